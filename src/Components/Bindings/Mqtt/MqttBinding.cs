using System.Security.Cryptography.X509Certificates;
using ActorRuntime.Components.Model;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace ActorRuntime.Components.Bindings.Mqtt;

/// <summary>
/// <c>bindings.mqtt3</c>, input and output, over MQTT 3.1.1 at QoS 1 as Dapr's component. Output operation
/// <c>create</c> publishes the data to <c>topic</c> (a request's <c>topic</c> and <c>retain</c> metadata override the
/// component's). Input subscribes to <c>topic</c>; each message goes to the app with metadata <c>topic</c>, and is
/// acknowledged (PUBACK) only once the app took it, after up to <c>backOffMaxRetries</c> retries 5 s apart; a message the
/// app never takes stays unacknowledged, so the broker sends it again on the next session (<c>cleanSession: false</c>).
/// </summary>
public sealed class MqttBinding : IOutputBinding, IInputBinding
{
    public const string TypeName = "bindings.mqtt3";
    private static readonly string[] SupportedOperations = ["create"];

    private readonly MqttBindingOptions _options;
    private readonly bool _output;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private IMqttClient? _producer;

    public MqttBinding(ComponentDefinition definition)
    {
        Name = definition.Name;
        _options = MqttBindingOptions.From(definition);
        _output = BindingDirection.IsOutput(definition);
        Capabilities = [.. BindingDirection.IsInput(definition) ? [OutputBindingCapabilities.Input] : Array.Empty<string>(),
            .. _output ? [OutputBindingCapabilities.Output] : Array.Empty<string>()];
    }

    public string Name { get; }
    public string Type => TypeName;
    public IReadOnlyList<string> Operations => SupportedOperations;
    public IReadOnlyList<string> Capabilities { get; }

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_output) await ProducerAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<BindingResponse> InvokeAsync(BindingRequest request, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.Operation, "create", StringComparison.Ordinal))
            throw new UnsupportedBindingOperationException(Name, request.Operation, SupportedOperations);
        var topic = request.Metadata.TryGetValue("topic", out var t) && t.Length > 0 ? t : _options.Topic;
        var retain = request.Metadata.TryGetValue("retain", out var r) && bool.TryParse(r, out var rr) ? rr : _options.Retain;
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(request.Data.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build();
        var producer = await ProducerAsync(cancellationToken).ConfigureAwait(false);
        var result = await producer.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess) throw new InvalidOperationException($"the broker refused the message for topic {topic}: {result.ReasonCode}");
        return BindingResponse.Empty;
    }

    public async Task ReadAsync(Func<BindingEvent, CancellationToken, Task<BindingResponse?>> handler, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            lost.TrySetException(new IOException($"MQTT connection to {_options.Host}:{_options.Port} lost: {e.Reason}", e.Exception));
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += async e =>
        {
            e.AutoAcknowledge = false;
            var ev = new BindingEvent(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), new Dictionary<string, string> { ["topic"] = e.ApplicationMessage.Topic });
            if (await HandleAsync(handler, ev, cancellationToken).ConfigureAwait(false))
                await e.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
        };
        await client.ConnectAsync(Options(_options.ConsumerId + "-consumer", _options.CleanSession), cancellationToken).ConfigureAwait(false);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_options.Topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken).ConfigureAwait(false);
        try
        {
            await lost.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (client.IsConnected)
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<bool> HandleAsync(Func<BindingEvent, CancellationToken, Task<BindingResponse?>> handler, BindingEvent ev, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await handler(ev, ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception) when (!ct.IsCancellationRequested && (_options.BackOffMaxRetries < 0 || attempt < _options.BackOffMaxRetries))
            {
                await Task.Delay(MqttBindingOptions.BackOffInterval, ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                return false; // the runtime logged why; unacknowledged, the broker keeps it for the next session
            }
        }
    }

    private async Task<IMqttClient> ProducerAsync(CancellationToken ct)
    {
        if (_producer is { IsConnected: true } ready) return ready;
        await _connect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_producer is { IsConnected: true } again) return again;
            _producer?.Dispose();
            _producer = new MqttClientFactory().CreateMqttClient();
            await _producer.ConnectAsync(Options(_options.ConsumerId + "-producer", cleanSession: true), ct).ConfigureAwait(false);
            return _producer;
        }
        finally
        {
            _connect.Release();
        }
    }

    private MqttClientOptions Options(string clientId, bool cleanSession)
    {
        var builder = new MqttClientOptionsBuilder().WithTcpServer(_options.Host, _options.Port).WithClientId(clientId)
            .WithCleanSession(cleanSession).WithProtocolVersion(MqttProtocolVersion.V311);
        if (_options.Username is not null) builder = builder.WithCredentials(_options.Username, _options.Password);
        if (_options.Tls)
        {
            builder = builder.WithTlsOptions(o =>
            {
                o.UseTls();
                if (_options.ClientCert is not null)
                    o.WithClientCertificates([X509Certificate2.CreateFromPem(_options.ClientCert, _options.ClientKey)]);
                if (_options.CaCert is not null)
                {
                    var ca = X509Certificate2.CreateFromPem(_options.CaCert);
                    o.WithTrustChain([ca]);
                }
            });
        }
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_producer is { } p)
        {
            if (p.IsConnected)
            {
                try { await p.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false); }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException) { }
            }
            p.Dispose();
        }
        _connect.Dispose();
    }
}
