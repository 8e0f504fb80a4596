using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Metadata;

public static class MetadataHttpApi
{
    public static IEndpointRouteBuilder MapMetadataApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/metadata", (MetadataService metadata) =>
            Results.Text(JsonSerializer.Serialize(metadata.Get(), GatewayJsonContext.Default.MetadataResponse), "application/json"));
        app.MapPut("/v1.0/metadata/{key}", async (HttpRequest request, string key, MetadataService metadata) =>
        {
            using var reader = new StreamReader(request.Body);
            metadata.SetAttribute(key, await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
            return Results.NoContent();
        });
        return app;
    }
}
