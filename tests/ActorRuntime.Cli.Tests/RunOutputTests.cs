using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Commands;

namespace ActorRuntime.Cli.Tests;

/// <summary>What <c>actorrt run</c> writes where: the run file's log files, <c>dapr list</c>'s table, the shutdown flag.</summary>
public sealed class RunOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-cli-").FullName;

    [Fact]
    public void Run_file_logs_are_named_and_placed_as_dapr_names_them()
    {
        using var logs = AppLogs.ForRunFile("orders", _dir, null, null, hasCommand: true, new DateTime(2026, 1, 2, 3, 4, 5));
        var dir = Path.Combine(_dir, ".dapr", "logs");
        Assert.Equal(dir, logs.Directory);
        Assert.Equal(Path.Combine(dir, "orders_app_20260102030405.log"), logs.AppLogFile);
        Assert.Equal(Path.Combine(dir, "orders_daprd_20260102030405.log"), logs.RuntimeLogFile);
        // Dapr's defaults: the app's output to file and console, the runtime's only to its file.
        Assert.False(logs.Runtime.IsConsole);
        logs.Runtime.WriteLine("runtime line");
        logs.App.WriteLine("app line");
        logs.Dispose();
        Assert.Equal("runtime line", File.ReadAllText(logs.RuntimeLogFile!).Trim());
        Assert.Equal("app line", File.ReadAllText(logs.AppLogFile!).Trim());
    }

    [Fact]
    public void Console_destination_writes_no_file_and_an_app_without_command_has_no_app_log()
    {
        using var console = AppLogs.ForRunFile("a", _dir, "console", "console", hasCommand: true, DateTime.Now);
        Assert.Null(console.AppLogFile);
        Assert.Null(console.RuntimeLogFile);
        Assert.True(console.Runtime.IsConsole);

        using var noCommand = AppLogs.ForRunFile("b", _dir, "fileAndConsole", "file", hasCommand: false, DateTime.Now);
        Assert.Null(noCommand.AppLogFile);
        Assert.NotNull(noCommand.RuntimeLogFile);
        Assert.Same(noCommand.Runtime, noCommand.App);
    }

    [Fact]
    public void Status_lines_carry_the_emoji_only_on_the_console()
    {
        using var logs = AppLogs.ForRunFile("c", _dir, "file", "file", hasCommand: true, DateTime.Now);
        AppLogs.Status(logs.Runtime, "✅", "Exited Dapr successfully");
        logs.Dispose();
        Assert.Equal("Exited Dapr successfully", File.ReadAllText(logs.RuntimeLogFile!).Trim());
    }

    [Fact]
    public void Line_writer_keeps_partial_writes_until_the_line_ends()
    {
        var file = Path.Combine(_dir, "x", "lines.log");
        using (var w = LineWriter.ToFile(file, alsoConsole: false))
        {
            w.Write("a");
            w.Write("b\nc");
            w.WriteLine("d");
        }
        Assert.Equal(["ab", "cd"], File.ReadAllLines(file));
    }

    [Fact]
    public void List_prints_dapr_lists_columns()
    {
        Assert.Equal(["APP ID", "HTTP PORT", "GRPC PORT", "APP PORT", "COMMAND", "AGE", "CREATED", "DAPRD PID", "CLI PID", "APP PID",
            "RUN_TEMPLATE_PATH", "APP_LOG_PATH", "DAPRD_LOG_PATH"], ListCommand.Header);
        var started = DateTimeOffset.UtcNow.AddMinutes(-3);
        var entry = new RunRegistry.Entry("orders", 100, 3500, 50001, started) { AppPort = 7001, AppPid = 101, Command = "dotnet run --project a-long-path" };
        var row = ListCommand.Row(entry, DateTimeOffset.UtcNow);
        Assert.Equal(["orders", "3500", "50001", "7001", "dotnet run --proj...", "3m"], row.Take(6));
        Assert.Equal(["100", "100", "101"], row.Skip(7).Take(3));
        var table = ListCommand.Table(ListCommand.Header, [row]).Split('\n');
        Assert.StartsWith("  APP ID  HTTP PORT  GRPC PORT  APP PORT  COMMAND", table[0]);
        Assert.StartsWith("  orders  3500       50001      7001      dotnet run --proj...", table[1]);
    }

    [Theory]
    [InlineData(59, "59s")]
    [InlineData(61, "1m")]
    [InlineData(7200, "2h")]
    [InlineData(200000, "2d")]
    public void Age_is_written_as_dapr_writes_it(int seconds, string expected) =>
        Assert.Equal(expected, ListCommand.Age(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Graceful_shutdown_seconds_defaults_to_5_as_daprd()
    {
        Assert.Equal(5, RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a"], RunFlags.All)).GracefulShutdownSeconds);
        Assert.Equal(2, RunFlags.ToOptions(CommandLine.Parse(["--app-id", "a", "--dapr-graceful-shutdown-seconds", "2"], RunFlags.All)).GracefulShutdownSeconds);
        Assert.Throws<UsageException>(() => RunFlags.ToOptions(CommandLine.Parse(["--dapr-graceful-shutdown-seconds", "-1"], RunFlags.All)));
    }

    [Fact]
    public void Run_file_apps_carry_the_absolute_run_file_path_and_log_destinations()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "orders"));
        File.WriteAllText(Path.Combine(_dir, "dapr.yaml"), """
            version: 1
            common:
              appLogDestination: console
            apps:
              - appID: orders
                appDirPath: ./orders
                daprdLogDestination: fileAndConsole
                command: ["node", "app.js"]
            """);
        var apps = RunFile.Load(_dir, out var path);
        Assert.Equal(Path.Combine(_dir, "dapr.yaml"), path);
        Assert.Equal(path, apps[0].RunFilePath);
        Assert.Equal("console", apps[0].AppLogDestination);
        Assert.Equal("fileAndConsole", apps[0].DaprdLogDestination);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
