using ActorRuntime.Gateway.Secrets;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindSecretsMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        binder.AddMethod(Unary("GetSecret", Runtime.GetSecretRequest.Parser, Runtime.GetSecretResponse.Parser), s is null ? null! : s.GetSecret);
        binder.AddMethod(Unary("GetBulkSecret", Runtime.GetBulkSecretRequest.Parser, Runtime.GetBulkSecretResponse.Parser), s is null ? null! : s.GetBulkSecret);
    }

    // Taken from the request's services rather than the constructor, so this block adds no constructor parameter.
    private static SecretsService Secrets(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<SecretsService>();

    public virtual async Task<Runtime.GetSecretResponse> GetSecret(Runtime.GetSecretRequest request, ServerCallContext context)
    {
        var data = await Secrets(context).GetAsync(request.StoreName, request.Key, request.Metadata, context.CancellationToken);
        var response = new Runtime.GetSecretResponse();
        foreach (var (k, v) in data) response.Data[k] = v;
        return response;
    }

    public virtual async Task<Runtime.GetBulkSecretResponse> GetBulkSecret(Runtime.GetBulkSecretRequest request, ServerCallContext context)
    {
        var all = await Secrets(context).GetBulkAsync(request.StoreName, request.Metadata, context.CancellationToken);
        var response = new Runtime.GetBulkSecretResponse();
        foreach (var (name, data) in all)
        {
            var secret = new Runtime.SecretResponse();
            foreach (var (k, v) in data) secret.Secrets[k] = v;
            response.Data[name] = secret;
        }
        return response;
    }
}
