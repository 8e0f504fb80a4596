using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Bindings.Mqtt;

/// <summary>
/// Dapr's <c>bindings.mqtt3</c> metadata: <c>url</c> (<c>tcp://[user][:password]@host[:port]</c>, or <c>ssl://</c>,
/// <c>mqtts://</c>, <c>tls://</c> for TLS), <c>topic</c>, <c>consumerID</c> (the client id: <c>{consumerID}-consumer</c>
/// reads, <c>{consumerID}-producer</c> publishes, as Dapr's component), <c>retain</c>, <c>cleanSession</c>,
/// <c>backOffMaxRetries</c> (input: retries of a failed event, 5 s apart; -1 forever), and TLS <c>caCert</c>,
/// <c>clientCert</c>, <c>clientKey</c> (PEM).
/// </summary>
public sealed record MqttBindingOptions(
    string Host, int Port, bool Tls, string? Username, string? Password, string Topic, string ConsumerId, bool Retain, bool CleanSession,
    int BackOffMaxRetries, string? CaCert, string? ClientCert, string? ClientKey)
{
    public static readonly TimeSpan BackOffInterval = TimeSpan.FromSeconds(5);

    public static MqttBindingOptions From(ComponentDefinition definition)
    {
        var m = definition.GetMetadata();
        var url = m.GetRequiredString("url").Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw m.Error("url", "must be a URL such as tcp://host:1883");
        var tls = uri.Scheme.ToLowerInvariant() switch
        {
            "tcp" or "mqtt" => false,
            "ssl" or "tls" or "mqtts" or "tcps" => true,
            var s => throw m.Error("url", $"has scheme '{s}'; use tcp:// or ssl://"),
        };
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        var clientCert = m.GetString("clientCert");
        var clientKey = m.GetString("clientKey");
        if (string.IsNullOrEmpty(clientCert) != string.IsNullOrEmpty(clientKey))
            throw m.Error(string.IsNullOrEmpty(clientCert) ? "clientCert" : "clientKey", "clientCert and clientKey must be given together");
        return new MqttBindingOptions(uri.Host, port, tls, user, password, m.GetRequiredString("topic"), m.GetRequiredString("consumerID"),
            m.GetBool("retain", false), m.GetBool("cleanSession", false), m.GetInt("backOffMaxRetries", 0, min: -1),
            m.GetString("caCert"), clientCert, clientKey);
    }
}
