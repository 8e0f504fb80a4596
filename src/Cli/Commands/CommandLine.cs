namespace ActorRuntime.Cli.Commands;

/// <summary>
/// A small flag parser with Dapr CLI conventions: <c>--flag value</c>, <c>--flag=value</c>, short aliases,
/// repeatable flags, boolean switches, and everything after <c>--</c> kept as the app's command.
/// </summary>
// Why not System.CommandLine: the Dapr CLI is cobra/pflag and users paste its command lines, so we mirror pflag's
// conventions and error wording. Tried with System.CommandLine 2.0.0: "--app-id --app-port 3000" silently makes
// "--app-port" the app id (we reject it); "@file" arguments are expanded as response files and "--app-id:x" is
// accepted (pflag does neither); "--enable-app-health-check false" takes "false" as the switch's value (pflag leaves
// it positional); with an argument for the app's command, unknown flags and stray words fall into that command instead
// of being errors; and type errors name CLR types ("System.Nullable`1[System.Int32]"). Each needs a custom parser or
// a rewritten message, which is this file again; values are bound and checked by RunOptionsBinder either way.
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private CommandLine() { }

    public IReadOnlyList<string> AppCommand { get; private set; } = [];

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<FlagSpec> specs)
    {
        var byName = new Dictionary<string, FlagSpec>(StringComparer.Ordinal);
        foreach (var s in specs)
        {
            byName["--" + s.Name] = s;
            foreach (var alias in s.Aliases) byName[alias.Length == 1 ? "-" + alias : "--" + alias] = s;
        }
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                result.AppCommand = [.. args.Skip(i + 1)];
                break;
            }
            string flag = arg, value;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith('-') && eq > 0) (flag, value) = (arg[..eq], arg[(eq + 1)..]);
            else value = "";
            if (!byName.TryGetValue(flag, out var spec))
                throw new UsageException(arg.StartsWith('-') ? $"unknown flag: {flag}" : $"unexpected argument: {arg} (put the app's command after --)");
            if (eq < 0 || !arg.StartsWith('-'))
            {
                if (spec.IsSwitch) value = "true";
                else if (i + 1 < args.Count && args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    // "--app-id --app-port 3000" is a forgotten value, not an app called "--app-port".
                    throw new UsageException($"flag needs a value: {flag} (got the flag {args[i + 1]}; write {flag}={args[i + 1]} if that is the value)");
                else if (i + 1 < args.Count) value = args[++i];
                else throw new UsageException($"flag needs a value: {flag}");
            }
            if (!result._values.TryGetValue(spec.Name, out var list)) result._values[spec.Name] = list = [];
            list.Add(value);
        }
        return result;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public int? GetInt(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        return int.TryParse(s, out var n) ? n : throw new UsageException($"--{name} must be a number, not '{s}'");
    }

    public bool GetBool(string name) => Get(name) is { } s && s is not ("false" or "0");
}

public sealed record FlagSpec(string Name, string Help, bool IsSwitch = false, params string[] Aliases);

public sealed class UsageException(string message) : Exception(message);
