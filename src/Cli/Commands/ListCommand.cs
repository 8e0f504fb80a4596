using System.Globalization;
using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Commands;

/// <summary><c>actorrt list</c>: the apps running on this machine, in the columns of <c>dapr list</c>.</summary>
internal static class ListCommand
{
    public static readonly string[] Header =
        ["APP ID", "HTTP PORT", "GRPC PORT", "APP PORT", "COMMAND", "AGE", "CREATED", "DAPRD PID", "CLI PID", "APP PID",
         "RUN_TEMPLATE_PATH", "APP_LOG_PATH", "DAPRD_LOG_PATH"];

    public static int Execute()
    {
        var entries = RunRegistry.List();
        if (entries.Count == 0)
        {
            Console.WriteLine("No Dapr instances found.");
            return 0;
        }
        var now = DateTimeOffset.UtcNow;
        var rows = entries.Select(e => Row(e, now)).ToList();
        Console.Write(Table(Header, rows));
        return 0;
    }

    internal static string[] Row(RunRegistry.Entry e, DateTimeOffset now) =>
    [
        e.AppId, Int(e.HttpPort), Int(e.GrpcPort), Int(e.AppPort ?? 0), Truncate(e.Command, 20), Age(now - e.Started),
        e.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm.ss", CultureInfo.InvariantCulture),
        Int(e.Pid), Int(e.Pid), Int(e.AppPid ?? 0), e.RunTemplatePath ?? "", e.AppLogPath ?? "", e.DaprdLogPath ?? "",
    ];

    /// <summary>Left-aligned columns separated by spaces, as the Dapr CLI prints its tables.</summary>
    internal static string Table(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new System.Text.StringBuilder();
        foreach (var line in rows.Prepend([.. header]))
            sb.Append("  ").AppendJoin("  ", line.Select((c, i) => c.PadRight(widths[i]))).Append('\n');
        return string.Join('\n', sb.ToString().Split('\n').Select(l => l.TrimEnd()));
    }

    /// <summary>Dapr's age: seconds up to a minute, then minutes, hours, days.</summary>
    internal static string Age(TimeSpan d) => d.TotalSeconds <= 60 ? $"{(int)d.TotalSeconds}s"
        : d.TotalMinutes <= 60 ? $"{(int)d.TotalMinutes}m"
        : d.TotalHours <= 24 ? $"{(int)d.TotalHours}h"
        : $"{(int)(d.TotalHours / 24)}d";

    private static string Int(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";
}
