using ActorRuntime.Components.Loading;

namespace ActorRuntime.Components.Tests.Loading;

public sealed class RunTemplateTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DefaultComponents => _dir.Sub("default-components");

    [Fact]
    public void Parses_apps_with_relative_paths_common_settings_and_per_app_env()
    {
        _dir.Sub("apps", "orders");
        _dir.Sub("apps", "checkout");
        _dir.Sub("shared", "components");
        _dir.Write("apps/checkout/.dapr/resources/pubsub.yaml", "# app local resources\n");
        var file = _dir.Write("run/dapr.yaml", """
            version: 1
            name: shop
            common:
              resourcesPath: ../shared/components
              env:
                DEBUG: true
                SHARED: common
              appProtocol: http
              logLevel: debug
              daprHTTPMaxRequestSize: 16
            apps:
              - appID: orders
                appDirPath: ../apps/orders/
                appPort: 5001
                daprHTTPPort: 3501
                daprGRPCPort: 50011
                command: ["dotnet", "run", "--no-build"]
                env:
                  SHARED: mine
                  PORT: 5001
              - appDirPath: ../apps/checkout
                appProtocol: grpc
                logLevel: warn
                maxBodySize: 8Mi
                command: [python3, app.py]
            """);

        var t = RunTemplate.Load(_dir.Path + "/run", DefaultComponents);

        Assert.Equal(file, t.FilePath);
        Assert.Equal(Path.Combine(_dir.Path, "run"), t.BaseDirectory);
        Assert.Equal(1, t.Version);
        Assert.Equal("shop", t.Name);
        Assert.Equal(2, t.Apps.Count);

        var orders = t.Apps[0];
        Assert.Equal("orders", orders.AppId);
        Assert.Equal(Path.Combine(_dir.Path, "apps", "orders"), orders.AppDirPath);
        Assert.Equal(5001, orders.AppPort);
        Assert.Equal(3501, orders.DaprHttpPort);
        Assert.Equal(50011, orders.DaprGrpcPort);
        Assert.Equal(["dotnet", "run", "--no-build"], orders.Command);
        Assert.Equal("http", orders.AppProtocol);
        Assert.Equal("debug", orders.LogLevel);
        Assert.Equal("16Mi", orders.MaxBodySize);
        Assert.Equal("mine", orders.Env["SHARED"]);
        Assert.Equal("true", orders.Env["DEBUG"]);
        Assert.Equal("5001", orders.Env["PORT"]);
        Assert.Equal([Path.Combine(_dir.Path, "shared", "components")], orders.ResourcesPaths);

        var checkout = t.Apps[1];
        Assert.Equal("checkout", checkout.AppId); // from the folder name
        Assert.Null(checkout.AppPort);
        Assert.Equal("grpc", checkout.AppProtocol);
        Assert.Equal("warn", checkout.LogLevel);
        Assert.Equal("8Mi", checkout.MaxBodySize);
        Assert.Equal("common", checkout.Env["SHARED"]);
        Assert.False(checkout.Env.ContainsKey("PORT"));
        Assert.Equal([Path.Combine(_dir.Path, "apps", "checkout", ".dapr", "resources")], checkout.ResourcesPaths);
    }

    [Fact]
    public void Resources_precedence_is_app_then_app_dapr_folder_then_common_then_default()
    {
        _dir.Sub("a", "own");
        _dir.Sub("b", ".dapr", "resources");
        _dir.Sub("c");
        _dir.Sub("common-res");
        _dir.Write("dapr.yaml", """
            version: 1
            common:
              resourcesPaths: [./common-res]
            apps:
              - appID: a
                appDirPath: a
                resourcesPaths: [own]
              - appID: b
                appDirPath: b
              - appID: c
                appDirPath: c
            """);
        var t = RunTemplate.Load(Path.Combine(_dir.Path, "dapr.yaml"), DefaultComponents);
        Assert.Equal([Path.Combine(_dir.Path, "a", "own")], t.Apps[0].ResourcesPaths);
        Assert.Equal([Path.Combine(_dir.Path, "b", ".dapr", "resources")], t.Apps[1].ResourcesPaths);
        Assert.Equal([Path.Combine(_dir.Path, "common-res")], t.Apps[2].ResourcesPaths);

        _dir.Write("nocommon.yaml", "version: 1\napps:\n  - appDirPath: c\n");
        var d = RunTemplate.Load(Path.Combine(_dir.Path, "nocommon.yaml"), DefaultComponents);
        Assert.Equal([DefaultComponents], d.Apps[0].ResourcesPaths);
    }

    [Fact]
    public void Config_file_precedence_follows_the_dapr_cli()
    {
        _dir.Write("a/cfg.yaml", "kind: Configuration\n");
        _dir.Write("b/.dapr/config.yaml", "kind: Configuration\n");
        _dir.Sub("c");
        _dir.Write("common.yaml", "kind: Configuration\n");
        _dir.Write("dapr.yaml", """
            version: 1
            common:
              configFilePath: common.yaml
            apps:
              - {appID: a, appDirPath: a, configFilePath: cfg.yaml}
              - {appID: b, appDirPath: b}
              - {appID: c, appDirPath: c}
            """);
        var t = RunTemplate.Load(_dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, "a", "cfg.yaml"), t.Apps[0].ConfigFilePath);
        Assert.Equal(Path.Combine(_dir.Path, "b", ".dapr", "config.yaml"), t.Apps[1].ConfigFilePath);
        Assert.Equal(Path.Combine(_dir.Path, "common.yaml"), t.Apps[2].ConfigFilePath);
    }

    [Fact]
    public void Directory_without_dapr_yaml_is_an_error()
    {
        var e = Assert.Throws<RunTemplateException>(() => RunTemplate.Load(_dir.Path));
        Assert.Contains("dapr.yaml", e.Message);
    }

    [Fact]
    public void Missing_file_is_an_error()
    {
        var e = Assert.Throws<RunTemplateException>(() => RunTemplate.Load(Path.Combine(_dir.Path, "nope.yaml")));
        Assert.Contains("nope.yaml", e.Message);
    }

    private RunTemplateException Fails(string yaml)
    {
        _dir.Sub("app");
        var file = _dir.Write("dapr.yaml", yaml);
        var e = Assert.Throws<RunTemplateException>(() => RunTemplate.Load(file, DefaultComponents));
        Assert.Equal(file, e.File);
        Assert.Contains("dapr.yaml", e.Message);
        return e;
    }

    [Fact]
    public void Missing_version_is_an_error()
    {
        var e = Fails("apps:\n  - appDirPath: app\n");
        Assert.Equal("version", e.Field);
    }

    [Fact]
    public void Missing_apps_is_an_error()
    {
        Assert.Equal("apps", Fails("version: 1\n").Field);
    }

    [Fact]
    public void Missing_appDirPath_names_the_app_and_field()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appPort: 80\n");
        Assert.Equal("web", e.AppId);
        Assert.Equal("apps[0].appDirPath", e.Field);
        Assert.Contains("'web'", e.Message);
    }

    [Fact]
    public void Nonexistent_appDirPath_is_an_error()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appDirPath: ./missing\n");
        Assert.Equal("apps[0].appDirPath", e.Field);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Nonexistent_resources_path_is_an_error()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appDirPath: app\n    resourcesPaths: [./gone]\n");
        Assert.Equal("apps[0].resourcesPaths[0]", e.Field);
    }

    [Fact]
    public void Command_must_be_a_list()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appDirPath: app\n    command: python3 app.py\n");
        Assert.Equal("apps[0].command", e.Field);
        Assert.Equal("web", e.AppId);
    }

    [Fact]
    public void Bad_port_is_an_error()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appDirPath: app\n    appPort: eighty\n");
        Assert.Equal("apps[0].appPort", e.Field);
        Assert.Contains("eighty", e.Message);
    }

    [Fact]
    public void Bad_protocol_is_an_error()
    {
        var e = Fails("version: 1\ncommon:\n  appProtocol: ftp\napps:\n  - appDirPath: app\n");
        Assert.Equal("common.appProtocol", e.Field);
    }

    [Fact]
    public void Duplicate_app_ids_are_an_error()
    {
        var e = Fails("version: 1\napps:\n  - {appID: web, appDirPath: app}\n  - {appID: web, appDirPath: app}\n");
        Assert.Equal("apps[1].appID", e.Field);
    }

    [Fact]
    public void Invalid_yaml_names_line_and_column()
    {
        var e = Fails("version: 1\napps:\n  - appID: [web\n");
        Assert.Contains("line", e.Message);
        Assert.Contains("column", e.Message);
    }

    [Fact]
    public void Env_must_be_a_mapping()
    {
        var e = Fails("version: 1\napps:\n  - appID: web\n    appDirPath: app\n    env: [A, B]\n");
        Assert.Equal("apps[0].env", e.Field);
    }
}
