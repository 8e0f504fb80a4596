using System.ComponentModel.DataAnnotations;
using ActorRuntime.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace ActorRuntime.Silo.Tests;

/// <summary>The storage and reminder options bind from configuration (as <c>actorrt silo</c> reads them) and validate.</summary>
public sealed class SiloOptionsTests
{
    [Fact]
    public void Storage_and_reminder_options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ActorRuntime:Silo:Cluster"] = "PostgreSql",
            ["ActorRuntime:Silo:ConnectionString"] = "Host=db;Database=actorrt",
            ["ActorRuntime:Silo:Storage"] = "redis",
            ["ActorRuntime:Silo:StorageConnectionString"] = "cache:6379",
            ["ActorRuntime:Silo:Reminders"] = "postgresql",
            ["ActorRuntime:Silo:MinimumReminderPeriod"] = "00:00:02",
            ["ActorRuntime:Silo:ResourcesPaths:0"] = "/etc/actorrt/components",
        }).Build();
        var options = configuration.GetSection(ActorRuntimeSiloOptions.SectionName).Get<ActorRuntimeSiloOptions>()!;
        Assert.Equal(GrainStorageKind.Redis, options.Storage);
        Assert.Equal("cache:6379", options.EffectiveStorageConnectionString);
        Assert.Equal(ReminderStorageKind.PostgreSql, options.EffectiveReminders);
        Assert.Equal("Host=db;Database=actorrt", options.EffectiveRemindersConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MinimumReminderPeriod);
        Assert.Equal(["/etc/actorrt/components"], options.ResourcesPaths);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
    }

    [Fact]
    public void Defaults_are_the_actor_state_store_and_one_second_reminders()
    {
        var options = new ActorRuntimeSiloOptions();
        Assert.Equal(GrainStorageKind.StateStore, options.Storage);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MinimumReminderPeriod);
        Assert.Null(options.LocalGatewayPort);
    }

    [Fact]
    public void A_storage_or_reminder_store_without_a_connection_string_is_refused()
    {
        var storage = new ActorRuntimeSiloOptions { Cluster = ClusterMode.InProcess, Storage = GrainStorageKind.PostgreSql };
        Assert.Contains("grain storage", Assert.Throws<ValidationException>(() => Validator.ValidateObject(storage, new ValidationContext(storage), true)).Message, StringComparison.Ordinal);
        // A Redis cluster's connection string is not a PostgreSQL one: reminders in PostgreSQL need their own.
        var reminders = new ActorRuntimeSiloOptions { Cluster = ClusterMode.Redis, ConnectionString = "redis:6379", Reminders = ReminderStorageKind.PostgreSql, Storage = GrainStorageKind.Memory };
        Assert.Contains("reminders", Assert.Throws<ValidationException>(() => Validator.ValidateObject(reminders, new ValidationContext(reminders), true)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("statestore", GrainStorageKind.StateStore)]
    [InlineData("postgres", GrainStorageKind.PostgreSql)]
    [InlineData("redis", GrainStorageKind.Redis)]
    [InlineData("memory", GrainStorageKind.Memory)]
    public void Storage_words_parse(string word, GrainStorageKind kind) => Assert.Equal(kind, ActorRuntimeSiloOptions.ParseStorage(word));

    [Theory]
    [InlineData("localhost", ReminderStorageKind.Localhost)]
    [InlineData("sqlite", ReminderStorageKind.Localhost)]
    [InlineData("postgresql", ReminderStorageKind.PostgreSql)]
    [InlineData("redis", ReminderStorageKind.Redis)]
    [InlineData("memory", ReminderStorageKind.Memory)]
    public void Reminder_words_parse(string word, ReminderStorageKind kind) => Assert.Equal(kind, ActorRuntimeSiloOptions.ParseReminders(word));
}
