using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Tests.Loading;

public sealed class ResourceLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Component(string name, string type = "state.in-memory", string extra = "") => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: {type}
          version: v1
        {extra}
        """;

    private IReadOnlyList<ComponentDefinition> Load(string appId = "app1") =>
        ResourceLoader.Load([_dir.Path], appId, processNamespace: "").Components;

    private ComponentConfigurationException LoadFails(string appId = "app1") =>
        Assert.Throws<ComponentConfigurationException>(() => ResourceLoader.Load([_dir.Path], appId, processNamespace: ""));

    [Fact]
    public void Parses_every_component_field()
    {
        var file = _dir.Write("store.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: orders
              namespace: shop
            spec:
              type: state.redis
              version: v2
              initTimeout: 1m30s
              ignoreErrors: true
              metadata:
              - name: redisHost
                value: localhost:6379
              - name: maxRetries
                value: 5
              - name: enableTLS
                value: false
              - name: ratio
                value: 0.25
              - name: quoted
                value: "007"
              - name: empty
                value:
              - name: nested
                value:
                  a: 1
                  b: [x, "2", true, null]
              - name: list
                value: [1, two]
              - name: redisPassword
                secretKeyRef:
                  name: redis-secret
                  key: password
              - name: keyless
                secretKeyRef:
                  name: only-name
            auth:
              secretStore: vault
            scopes:
            - app1
            - app2
            """);

        var c = Assert.Single(ResourceLoader.Load([_dir.Path], "app1", processNamespace: "", resolveSecrets: false).Components);
        Assert.Equal("orders", c.Name);
        Assert.Equal("shop", c.Namespace);
        Assert.Equal("state.redis", c.Type);
        Assert.Equal("state", c.Category);
        Assert.Equal("v2", c.Version);
        Assert.Equal(TimeSpan.FromSeconds(90), c.InitTimeout);
        Assert.True(c.IgnoreErrors);
        Assert.Equal("vault", c.AuthSecretStore);
        Assert.Equal(["app1", "app2"], c.Scopes);
        Assert.Equal(file, c.SourceFile);

        Assert.Equal("localhost:6379", c.Metadata["redisHost"].Value);
        Assert.Equal("5", c.Metadata["maxRetries"].Value);
        Assert.Equal("false", c.Metadata["enableTLS"].Value);
        Assert.Equal("0.25", c.Metadata["ratio"].Value);
        Assert.Equal("007", c.Metadata["quoted"].Value);
        Assert.Equal("", c.Metadata["empty"].Value);
        Assert.Equal("""{"a":1,"b":["x","2",true,null]}""", c.Metadata["nested"].Value);
        Assert.Equal("""[1,"two"]""", c.Metadata["list"].Value);
        Assert.Equal("5", c.Metadata["MAXRETRIES"].Value); // case-insensitive lookup like Dapr

        var secret = c.Metadata["redisPassword"];
        Assert.Null(secret.Value);
        Assert.Equal(new SecretKeyRef("redis-secret", "password"), secret.SecretKeyRef);
        Assert.Equal(new SecretKeyRef("only-name", null), c.Metadata["keyless"].SecretKeyRef);
    }

    [Fact]
    public void Defaults_version_initTimeout_and_ignoreErrors()
    {
        _dir.Write("a.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: plain}
            spec: {type: state.in-memory}
            """);
        var c = Assert.Single(Load());
        Assert.Equal("v1", c.Version);
        Assert.Equal(TimeSpan.FromSeconds(5), c.InitTimeout);
        Assert.False(c.IgnoreErrors);
        Assert.Empty(c.Metadata);
        Assert.Empty(c.Scopes);
        Assert.Null(c.Namespace);
        Assert.Null(c.AuthSecretStore);
    }

    [Fact]
    public void Reads_several_documents_per_file_and_keeps_only_components()
    {
        _dir.Write("all.yaml", """
            # leading comment
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: first
            spec:
              type: state.in-memory
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: sub
            spec:
              topic: orders
              routes: {default: /orders}
              pubsubname: pubsub
            ---
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec: {}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: res
            spec: {}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: HTTPEndpoint
            metadata:
              name: ext
            spec: {baseUrl: "http://localhost"}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: second
            spec:
              type: state.sqlite
            """);

        Assert.Equal(["first", "second"], Load().Select(c => c.Name));

        var docs = ResourceLoader.LoadDocuments([_dir.Path]);
        Assert.Equal(["Component", "Subscription", "Configuration", "Resiliency", "HTTPEndpoint", "Component"], docs.Select(d => d.Kind));
        Assert.Equal(["first", "sub", "appconfig", "res", "ext", "second"], docs.Select(d => d.Name));
        Assert.Equal("dapr.io/v2alpha1", docs[1].ApiVersion);
        Assert.All(docs, d => Assert.EndsWith("all.yaml", d.File));
        Assert.Equal([0, 1, 3, 4, 5, 6], docs.Select(d => d.Index));
    }

    [Fact]
    public void Reads_yaml_and_yml_in_the_folder_but_not_subfolders_or_other_files()
    {
        _dir.Write("a.yaml", Component("a"));
        _dir.Write("b.yml", Component("b"));
        _dir.Write("c.json", "{}");
        _dir.Write("README.md", "not yaml: [");
        _dir.Write("nested/d.yaml", Component("d"));
        Assert.Equal(["a", "b"], Load().Select(c => c.Name));
    }

    [Fact]
    public void A_resources_path_may_be_a_file_and_paths_combine()
    {
        var one = _dir.Write("one/x.yaml", Component("x"));
        var twoDir = _dir.Sub("two");
        _dir.Write("two/y.yaml", Component("y"));
        var result = ResourceLoader.LoadComponents([one, twoDir, one], "app");
        Assert.Equal(["x", "y"], result.Select(c => c.Name));
    }

    [Fact]
    public void Missing_resources_path_is_an_error_naming_it()
    {
        var missing = Path.Combine(_dir.Path, "nope");
        var e = Assert.Throws<ComponentConfigurationException>(() => ResourceLoader.LoadComponents([missing], "app"));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Scopes_exclude_other_apps()
    {
        _dir.Write("a.yaml", Component("everyone"));
        _dir.Write("b.yaml", Component("mine", extra: "scopes: [app1]"));
        _dir.Write("c.yaml", Component("theirs", extra: "scopes: [app2, app3]"));

        Assert.Equal(["everyone", "mine"], Load("app1").Select(c => c.Name));
        Assert.Equal(["everyone", "theirs"], Load("app3").Select(c => c.Name));

        var result = ResourceLoader.Load([_dir.Path], "app1", processNamespace: "");
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("theirs", skipped.Name);
        Assert.Contains("app1", skipped.Reason);
    }

    [Fact]
    public void Same_name_is_allowed_when_scopes_keep_the_two_apart()
    {
        _dir.Write("a.yaml", Component("statestore", "state.in-memory", "scopes: [app1]"));
        _dir.Write("b.yaml", Component("statestore", "state.sqlite", "scopes: [app2]"));
        Assert.Equal("state.in-memory", Assert.Single(Load("app1")).Type);
        Assert.Equal("state.sqlite", Assert.Single(Load("app2")).Type);
    }

    [Fact]
    public void Namespace_filter_skips_other_namespaces_and_adopts_unset_ones()
    {
        _dir.Write("a.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: ns-a, namespace: team-a}
            spec: {type: state.in-memory}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: ns-b, namespace: team-b}
            spec: {type: state.in-memory}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: no-ns}
            spec: {type: state.in-memory}
            """);

        var inA = ResourceLoader.Load([_dir.Path], "app", processNamespace: "team-a");
        Assert.Equal(["ns-a", "no-ns"], inA.Components.Select(c => c.Name));
        Assert.All(inA.Components, c => Assert.Equal("team-a", c.Namespace));
        Assert.Equal("ns-b", Assert.Single(inA.Skipped).Name);

        var noFilter = ResourceLoader.Load([_dir.Path], "app", processNamespace: "");
        Assert.Equal(3, noFilter.Components.Count);
    }

    [Fact]
    public void Invalid_yaml_names_file_line_and_column()
    {
        var file = _dir.Write("broken.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: broken
            spec:
              type: state.redis
              metadata:
              - name: a
                value: "unterminated
            """);
        var e = LoadFails();
        Assert.Equal(file, e.File);
        Assert.Contains("broken.yaml", e.Message);
        Assert.Contains("invalid YAML at line", e.Message);
        Assert.Contains("column", e.Message);
    }

    [Fact]
    public void Invalid_yaml_bad_indentation_reports_its_line()
    {
        _dir.Write("indent.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n    bad: indent\n");
        var e = LoadFails();
        Assert.Contains("indent.yaml", e.Message);
        Assert.Matches(@"line [45]", e.Message);
    }

    [Fact]
    public void Missing_metadata_name_is_an_error()
    {
        _dir.Write("noname.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              namespace: x
            spec:
              type: state.in-memory
            """);
        var e = LoadFails();
        Assert.Contains("noname.yaml", e.Message);
        Assert.Equal("metadata.name", e.Field);
        Assert.Contains("'metadata.name'", e.Message);
    }

    [Fact]
    public void Missing_spec_type_is_an_error()
    {
        _dir.Write("notype.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: typeless
            spec:
              version: v1
            """);
        var e = LoadFails();
        Assert.Contains("notype.yaml", e.Message);
        Assert.Contains("'typeless'", e.Message);
        Assert.Contains("'spec.type'", e.Message);
    }

    [Fact]
    public void Missing_spec_is_reported_as_missing_type()
    {
        _dir.Write("nospec.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: specless\n");
        var e = LoadFails();
        Assert.Equal("specless", e.ComponentName);
        Assert.Equal("spec.type", e.Field);
    }

    [Fact]
    public void Metadata_item_without_name_is_an_error()
    {
        _dir.Write("item.yaml", Component("store", extra: """
              metadata:
              - name: ok
                value: 1
              - value: orphan
            """));
        var e = LoadFails();
        Assert.Contains("item.yaml", e.Message);
        Assert.Equal("store", e.ComponentName);
        Assert.Equal("spec.metadata[1].name", e.Field);
    }

    [Fact]
    public void Metadata_item_with_value_and_secretKeyRef_is_an_error()
    {
        _dir.Write("both.yaml", Component("store", extra: """
              metadata:
              - name: password
                value: hunter2
                secretKeyRef:
                  name: s
                  key: k
            """));
        var e = LoadFails();
        Assert.Contains("both.yaml", e.Message);
        Assert.Contains("'store'", e.Message);
        Assert.Contains("password", e.Field);
        Assert.Contains("secretKeyRef", e.Message);
    }

    [Fact]
    public void Duplicate_metadata_item_is_an_error()
    {
        _dir.Write("dup.yaml", Component("store", extra: """
              metadata:
              - name: host
                value: a
              - name: Host
                value: b
            """));
        var e = LoadFails();
        Assert.Contains("Host", e.Message);
        Assert.Equal("store", e.ComponentName);
    }

    [Fact]
    public void Duplicate_component_names_across_files_name_both_files()
    {
        var first = _dir.Write("a.yaml", Component("statestore"));
        var second = _dir.Write("b.yaml", Component("statestore", "state.sqlite"));
        var e = LoadFails();
        Assert.Equal(second, e.File);
        Assert.Contains(first, e.Message);
        Assert.Contains("'statestore'", e.Message);
        Assert.Equal("metadata.name", e.Field);
    }

    [Fact]
    public void Unknown_type_is_an_error_naming_it_and_the_supported_types()
    {
        _dir.Write("unknown.yaml", Component("cache", "state.cassandra-nope"));
        var e = LoadFails();
        Assert.Contains("unknown.yaml", e.Message);
        Assert.Equal("cache", e.ComponentName);
        Assert.Equal("spec.type", e.Field);
        Assert.Contains("state.cassandra-nope", e.Message);
        Assert.Contains("state.sqlite", e.Message);
    }

    [Fact]
    public void Unknown_type_with_ignoreErrors_is_skipped_like_daprd()
    {
        _dir.Write("a.yaml", Component("kept"));
        _dir.Write("b.yaml", Component("optional", "bindings.never-heard-of", "  ignoreErrors: true"));
        var result = ResourceLoader.Load([_dir.Path], "app", processNamespace: "");
        Assert.Equal("kept", Assert.Single(result.Components).Name);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("optional", skipped.Name);
        Assert.Contains("ignoreErrors", skipped.Reason);
    }

    [Fact]
    public void Type_outside_dapr_categories_is_an_error_even_with_ignoreErrors()
    {
        _dir.Write("bad.yaml", Component("weird", "notacategory.thing", "  ignoreErrors: true"));
        var e = LoadFails();
        Assert.Equal("spec.type", e.Field);
        Assert.Contains("notacategory.thing", e.Message);
    }

    [Fact]
    public void Types_registered_in_a_host_are_known_to_its_loader()
    {
        var type = "pubsub.loader-test-" + Guid.NewGuid().ToString("N")[..6];
        _dir.Write("a.yaml", Component("ps", type));
        Assert.Throws<ComponentConfigurationException>(() => Load());

        var services = new ServiceCollection().AddBuiltInComponentTypes()
            .AddComponentType<TestPubSub>(type, c => new TestPubSub(c.Metadata.GetRequiredString("topicPrefix")));
        var types = ComponentTypes.From(services);
        Assert.Equal(type, Assert.Single(ResourceLoader.Load([_dir.Path], "app", processNamespace: "", types: types).Components).Type);
        Assert.True(types.IsKnown(type.ToUpperInvariant()));
        Assert.Contains("state.sqlite", types.All);
        Assert.False(ComponentTypes.BuiltIn.IsKnown(type));

        // The factory validates metadata: a missing field names the file, component and field.
        var definition = ResourceLoader.LoadComponents([_dir.Path], "app", types).Single();
        var e = Assert.Throws<ComponentConfigurationException>(() => new ComponentCatalog(types).Add(definition));
        Assert.Equal("topicPrefix", e.Field);
        Assert.Equal("ps", e.ComponentName);
    }

    [Theory]
    [InlineData("nodot")]
    [InlineData("state.")]
    [InlineData("notacategory.thing")]
    public void A_type_must_name_one_of_Daprs_building_blocks(string type) =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddComponentType<TestPubSub>(type, _ => new TestPubSub("")));

    private sealed class TestPubSub(string prefix) : IComponent
    {
        public string Prefix { get; } = prefix;
        public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5 seconds")]
    [InlineData("-1s")]
    [InlineData("0s")]
    public void Bad_initTimeout_is_an_error(string value)
    {
        _dir.Write("timeout.yaml", Component("slow", extra: $"  initTimeout: \"{value}\""));
        var e = LoadFails();
        Assert.Contains("timeout.yaml", e.Message);
        Assert.Equal("slow", e.ComponentName);
        Assert.Equal("spec.initTimeout", e.Field);
        Assert.Contains(value, e.Message);
    }

    [Fact]
    public void Bad_ignoreErrors_is_an_error()
    {
        _dir.Write("ign.yaml", Component("x", extra: "  ignoreErrors: maybe"));
        var e = LoadFails();
        Assert.Equal("spec.ignoreErrors", e.Field);
    }

    [Fact]
    public void Component_with_wrong_apiVersion_is_an_error()
    {
        _dir.Write("v.yaml", Component("x").Replace("dapr.io/v1alpha1", "dapr.io/v2"));
        var e = LoadFails();
        Assert.Equal("apiVersion", e.Field);
        Assert.Contains("dapr.io/v2", e.Message);
    }

    [Fact]
    public void Invalid_component_name_is_an_error()
    {
        _dir.Write("n.yaml", Component("a/b"));
        Assert.Equal("metadata.name", LoadFails().Field);
    }

    [Fact]
    public void Metadata_that_is_not_a_list_is_an_error()
    {
        _dir.Write("m.yaml", Component("store", extra: "  metadata:\n    host: x"));
        var e = LoadFails();
        Assert.Equal("spec.metadata", e.Field);
        Assert.Equal("store", e.ComponentName);
    }

    [Fact]
    public void Non_mapping_document_is_an_error()
    {
        _dir.Write("list.yaml", "- a\n- b\n");
        var e = LoadFails();
        Assert.Contains("list.yaml", e.Message);
        Assert.Contains("not a mapping", e.Message);
    }

    [Fact]
    public void Documents_without_kind_are_ignored()
    {
        _dir.Write("other.yaml", "just: some\nother: file\n");
        _dir.Write("empty.yaml", "# nothing here\n");
        _dir.Write("a.yaml", Component("a"));
        Assert.Equal("a", Assert.Single(Load()).Name);
    }

    [Fact]
    public void Secret_ref_without_name_is_an_error()
    {
        _dir.Write("s.yaml", Component("store", extra: """
              metadata:
              - name: password
                secretKeyRef:
                  key: k
            """));
        var e = LoadFails();
        Assert.Equal("spec.metadata[0] (password).secretKeyRef.name", e.Field);
    }
}

[CollectionDefinition(nameof(EnvironmentVariableTests), DisableParallelization = true)]
public sealed class EnvironmentVariableTests;

[Collection(nameof(EnvironmentVariableTests))]
public sealed class ResourceLoaderNamespaceEnvTests
{
    [Fact]
    public void NAMESPACE_environment_variable_filters_components()
    {
        using var dir = new TempDir();
        dir.Write("a.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: in-prod, namespace: prod}
            spec: {type: state.in-memory}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: in-dev, namespace: dev}
            spec: {type: state.in-memory}
            """);
        var before = Environment.GetEnvironmentVariable("NAMESPACE");
        try
        {
            Environment.SetEnvironmentVariable("NAMESPACE", "prod");
            Assert.Equal("in-prod", Assert.Single(ResourceLoader.LoadComponents([dir.Path], "app")).Name);
            Environment.SetEnvironmentVariable("NAMESPACE", null);
            Assert.Equal(2, ResourceLoader.LoadComponents([dir.Path], "app").Count);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NAMESPACE", before);
        }
    }
}
