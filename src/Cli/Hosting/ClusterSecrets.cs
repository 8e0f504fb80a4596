using System.Security.Cryptography;
using System.Text;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// Where a process finds its cluster's secret (behind <c>Grains.Security.ClusterCredential</c>, which gateways and
/// grains show each other's internal ports while mTLS is off), first match wins:
/// <list type="number">
/// <item><c>--cluster-secret-file</c> or <c>ACTORRT_CLUSTER_SECRET_FILE</c>: a file's content;</item>
/// <item><c>ACTORRT_CLUSTER_SECRET</c>: the variable's value;</item>
/// <item>machine-local cluster: <c>~/.actorrt/cluster/secret</c>, 32 random bytes written (mode 0600) by whichever
/// process needs it first, so only this user's processes can join;</item>
/// <item>PostgreSQL or Redis cluster: an HMAC of the cluster id keyed with the membership connection string in its
/// normal form. Whoever holds that connection string can join the cluster as a silo anyway, so it grants nothing
/// new; a connection string without a password guards nothing, so such clusters should set a secret.</item>
/// </list>
/// </summary>
internal static class ClusterSecrets
{
    public const string Variable = "ACTORRT_CLUSTER_SECRET";

    public static byte[] Resolve(ClusterMode mode, string? connectionString, string clusterId, string home, string? fileFlag = null)
    {
        if (SecretFiles.Token(Variable, fileFlag, "cluster-secret-file") is { } given) return Encoding.UTF8.GetBytes(given);
        return mode switch
        {
            ClusterMode.Localhost => MachineLocal(Path.Combine(home, "cluster", "secret")),
            ClusterMode.PostgreSql => Derived(PostgresIdentity(connectionString ?? ""), clusterId),
            ClusterMode.Redis => Derived(RedisIdentity(connectionString ?? ""), clusterId),
            _ => RandomNumberGenerator.GetBytes(32), // in-process: nobody else shares it
        };
    }

    // Only what names the store and proves access, so every accepted spelling of one connection string (libpq, URL,
    // Npgsql; option order, extra tuning keys) gives the same secret.
    private static string PostgresIdentity(string raw)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(ClusterConnectionStrings.Postgres(raw));
        return string.Join('\n', b.Host, b.Port, b.Database, b.Username, b.Password);
    }

    private static string RedisIdentity(string raw)
    {
        var o = ClusterConnectionStrings.Redis(raw);
        return string.Join('\n', string.Join(',', o.EndPoints.Select(e => e.ToString()).Order(StringComparer.Ordinal)), o.User, o.Password);
    }

    private static byte[] Derived(string connectionString, string clusterId) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(connectionString), Encoding.UTF8.GetBytes("actorrt cluster secret/" + clusterId));

    /// <summary>Reads the machine's secret, creating it first if no process has; two first processes agree on one file.</summary>
    internal static byte[] MachineLocal(string path)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (File.Exists(path))
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0) return Encoding.UTF8.GetBytes(text);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var temp = $"{path}.{Guid.NewGuid():N}.tmp";
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using (var stream = new FileStream(temp, options))
                using (var writer = new StreamWriter(stream))
                    writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                try { File.Move(temp, path, overwrite: false); }
                catch (IOException) { File.Delete(temp); } // another process made it first: use theirs
                continue;
            }
            Thread.Sleep(20); // written but not yet filled by its maker
        }
        throw new IOException($"cannot read or create the cluster secret {path}");
    }
}
