using System.Text.Json;
using System.Text.Json.Serialization;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Metadata;

namespace ActorRuntime.Gateway;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(MetadataResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
