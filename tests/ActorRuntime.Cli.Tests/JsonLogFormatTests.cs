using System.Text.Json;
using ActorRuntime.Cli.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Cli.Tests;

/// <summary><c>--log-as-json</c>: one object per line with daprd's fields and level names.</summary>
public class JsonLogFormatTests
{
    [Theory]
    [InlineData(LogLevel.Debug, "debug")]
    [InlineData(LogLevel.Information, "info")]
    [InlineData(LogLevel.Warning, "warning")]
    [InlineData(LogLevel.Error, "error")]
    [InlineData(LogLevel.Critical, "fatal")]
    public void An_entry_has_daprds_fields(LogLevel level, string name)
    {
        var time = new DateTimeOffset(2026, 12, 8, 3, 4, 5, 678, TimeSpan.FromHours(1));
        var line = JsonLineLoggerProvider.Format(time, level, "line \"one\"\nand two", "ActorRuntime.Gateway.X", "app-1");
        Assert.DoesNotContain('\n', line);
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal(name, root.GetProperty("level").GetString());
        Assert.Equal("line \"one\"\nand two", root.GetProperty("msg").GetString());
        Assert.Equal("ActorRuntime.Gateway.X", root.GetProperty("scope").GetString());
        Assert.Equal("log", root.GetProperty("type").GetString());
        Assert.Equal("app-1", root.GetProperty("app_id").GetString());
        Assert.Equal(Environment.MachineName, root.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("ver").GetString()));
        Assert.Equal(time, DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("2026-12-08T03:04:05.678", root.GetProperty("time").GetString(), StringComparison.Ordinal);
    }
}
