namespace ActorRuntime.Components.Secrets;

/// <summary>The store has no secret of this name. The message names the secret, never a value.</summary>
public sealed class SecretNotFoundException(string name, Exception? inner = null) : Exception($"secret {name} not found", inner)
{
    public string SecretName { get; } = name;
}
