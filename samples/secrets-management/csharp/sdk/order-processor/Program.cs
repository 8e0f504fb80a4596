using Dapr.Client;

// Reads one secret through the sidecar, as Dapr's secrets-management quickstart does.
const string SecretStore = "localsecretstore";
const string SecretName = "secret";

using var client = new DaprClientBuilder().Build();
var secret = await client.GetSecretAsync(SecretStore, SecretName);
Console.WriteLine($"Fetched Secret: {string.Join(", ", secret)}");
