using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>A 200 JSON answer written with <see cref="Utf8JsonWriter"/> into one buffer, so its length is known up front.</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }
}
