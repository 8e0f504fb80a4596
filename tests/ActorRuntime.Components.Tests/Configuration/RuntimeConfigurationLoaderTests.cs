using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.Loading;

namespace ActorRuntime.Components.Tests.Configuration;

public class RuntimeConfigurationLoaderTests
{
    private const string Header = "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: appconfig\n";

    private static RuntimeConfiguration Load(string yaml)
    {
        using var dir = new TempDir();
        return RuntimeConfigurationLoader.Load(dir.Write("config.yaml", yaml));
    }

    private static ComponentConfigurationException Fails(string yaml)
    {
        using var dir = new TempDir();
        var file = dir.Write("config.yaml", yaml);
        var e = Assert.Throws<ComponentConfigurationException>(() => RuntimeConfigurationLoader.Load(file));
        Assert.Contains(file, e.Message);
        return e;
    }

    [Fact]
    public void Loads_the_documented_example()
    {
        var c = Load(Header + """
            spec:
              tracing:
                samplingRate: "1"
              features:
                - name: SchedulerReminders
                  enabled: true
                - name: Other
                  enabled: false
              httpPipeline:
                handlers:
                  - name: oauth2
                    type: middleware.http.oauth2
              appHttpPipeline:
                handlers:
                  - name: upper
                    type: middleware.http.uppercase
              api:
                allowed:
                  - name: state
                    version: v1.0
                    protocol: http
                denied:
                  - name: secrets
                    version: v1
              secrets:
                scopes:
                  - storeName: localstore
                    defaultAccess: deny
                    allowedSecrets: ["redis-password"]
              accessControl:
                defaultAction: deny
                trustDomain: "public"
                policies:
                  - appId: app1
                    defaultAction: deny
                    trustDomain: 'public'
                    namespace: "default"
                    operations:
                      - name: /op1
                        httpVerb: ['POST', 'GET']
                        action: deny
                      - name: /op2/*
                        httpVerb: ["*"]
                        action: allow
            """);
        Assert.Equal("appconfig", c.Name);
        Assert.Equal("1", c.TracingSamplingRate);
        Assert.True(c.IsFeatureEnabled("SchedulerReminders"));
        Assert.False(c.IsFeatureEnabled("Other"));
        Assert.False(c.IsFeatureEnabled("schedulerreminders"));
        Assert.Equal([new PipelineHandler("oauth2", "middleware.http.oauth2")], c.HttpPipeline);
        Assert.Equal("upper", Assert.Single(c.AppHttpPipeline).Name);
        Assert.Equal(new ApiAccessRule("state", "v1.0", "http"), Assert.Single(c.ApiAllowed));
        Assert.Equal(new ApiAccessRule("secrets", "v1", null), Assert.Single(c.ApiDenied));
        var scope = Assert.Single(c.SecretScopes);
        Assert.Equal(AccessAction.Deny, scope.DefaultAccess);
        Assert.Equal(["redis-password"], scope.AllowedSecrets);

        var ac = c.AccessControl!;
        Assert.Equal(AccessAction.Deny, ac.DefaultAction);
        var policy = Assert.Single(ac.Policies);
        Assert.Equal("app1", policy.AppId);
        Assert.Equal(["POST", "GET"], policy.Operations[0].HttpVerbs);
        Assert.Equal("/op2/*", policy.Operations[1].Name);

        var acl = c.CreateAccessControlPolicy();
        Assert.False(acl.Check("app1", "default", "public", "GET", "/op1").Allowed);
        Assert.True(acl.Check("app1", "default", "public", "GET", "/op2/x").Allowed);
        Assert.False(acl.Check("app2", "default", "public", "GET", "/op2/x").Allowed);
    }

    [Fact]
    public void Reads_spec_mtls_as_dapr_writes_it()
    {
        var c = Load(Header + "spec:\n  mtls:\n    enabled: true\n    workloadCertTTL: 30s\n    allowedClockSkew: 1m\n");
        Assert.Equal(new MtlsSpec(true, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)), c.Mtls);
        Assert.Equal(new MtlsSpec(null, TimeSpan.FromHours(24), null), Load(Header + "spec:\n  mtls:\n    workloadCertTTL: 24h\n").Mtls);
        Assert.Null(Load(Header + "spec: {}\n").Mtls);
    }

    [Fact]
    public void Defaults_when_sections_are_absent()
    {
        var c = Load(Header + "spec: {}\n");
        Assert.Null(c.AccessControl);
        Assert.Empty(c.Features);
        Assert.True(c.CreateAccessControlPolicy().Check("x", null, null, "GET", "/a").Allowed);
        Assert.Null(Load(Header).AccessControl);
        Assert.Null(RuntimeConfiguration.Default.AccessControl);
        Assert.False(RuntimeConfiguration.Default.IsFeatureEnabled("x"));
    }

    [Fact]
    public void Policy_defaults_trust_domain_and_namespace_and_global_default_stays_absent()
    {
        var c = Load(Header + """
            spec:
              accessControl:
                policies:
                  - appId: app1
                    operations:
                      - name: op1
                        httpVerb: [get]
                        action: Allow
            """);
        var ac = c.AccessControl!;
        Assert.Null(ac.DefaultAction);
        Assert.Equal("public", ac.TrustDomain);
        var p = Assert.Single(ac.Policies);
        Assert.Equal(("public", "default"), (p.TrustDomain, p.Namespace));
        Assert.Equal(new[] { "GET" }, p.Operations[0].HttpVerbs);
        Assert.Equal("/op1", p.Operations[0].Name);
        var acl = c.CreateAccessControlPolicy();
        Assert.True(acl.Check("app1", null, null, "GET", "/op1").Allowed);
        Assert.False(acl.Check("app1", null, null, "GET", "/op2").Allowed); // global default deny
    }

    [Theory]
    [InlineData("accessControl:\n    defaultAction: maybe", "spec.accessControl.defaultAction")]
    [InlineData("accessControl:\n    defaultAction: [allow]", "spec.accessControl.defaultAction")]
    [InlineData("accessControl: deny", "spec.accessControl")]
    [InlineData("accessControl:\n    policies:\n      appId: a", "spec.accessControl.policies")]
    [InlineData("accessControl:\n    policies:\n      - defaultAction: allow", "spec.accessControl.policies[0].appId")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        defaultAction: permit", "spec.accessControl.policies[0].defaultAction")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /x\n            httpVerb: [GET]\n            action: yes", "spec.accessControl.policies[0].operations[0].action")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /x\n            httpVerb: [GET]", "spec.accessControl.policies[0].operations[0].action")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /x\n            httpVerb: GET\n            action: allow", "spec.accessControl.policies[0].operations[0].httpVerb")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /x\n            httpVerb: [GET, FETCH]\n            action: allow", "spec.accessControl.policies[0].operations[0].httpVerb[1]")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - httpVerb: [GET]\n            action: allow", "spec.accessControl.policies[0].operations[0].name")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /a/**/b\n            action: allow", "spec.accessControl.policies[0].operations[0].name")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n        operations:\n          - name: /a/../b\n            action: allow", "spec.accessControl.policies[0].operations[0].name")]
    [InlineData("accessControl:\n    policies:\n      - appId: a\n      - appId: a\n        namespace: default", "spec.accessControl.policies[1]")]
    [InlineData("features:\n    - name: X\n      enabled: sometimes", "spec.features[0].enabled")]
    [InlineData("features:\n    - enabled: true", "spec.features[0].name")]
    [InlineData("tracing:\n    samplingRate: lots", "spec.tracing.samplingRate")]
    [InlineData("tracing:\n    samplingRate: \"2\"", "spec.tracing.samplingRate")]
    [InlineData("httpPipeline:\n    handlers:\n      - name: x", "spec.httpPipeline.handlers[0].type")]
    [InlineData("api:\n    allowed:\n      - name: state\n        protocol: soap", "spec.api.allowed[0].protocol")]
    [InlineData("secrets:\n    scopes:\n      - storeName: s\n        defaultAccess: sometimes", "spec.secrets.scopes[0].defaultAccess")]
    [InlineData("secrets:\n    scopes:\n      - storeName: s\n        allowedSecrets: a", "spec.secrets.scopes[0].allowedSecrets")]
    [InlineData("secrets:\n    scopes:\n      - defaultAccess: allow", "spec.secrets.scopes[0].storeName")]
    [InlineData("mtls:\n    workloadCertTTL: a day", "spec.mtls.workloadCertTTL")]
    [InlineData("mtls:\n    allowedClockSkew: -1m", "spec.mtls.allowedClockSkew")]
    [InlineData("mtls:\n    enabled: maybe", "spec.mtls.enabled")]
    public void Invalid_values_name_the_field(string specBody, string field)
    {
        var e = Fails(Header + "spec:\n  " + specBody + "\n");
        Assert.Equal(field, e.Field);
        Assert.Contains($"field '{field}'", e.Message);
    }

    [Fact]
    public void File_without_a_configuration_document_is_refused()
    {
        var e = Fails("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n");
        Assert.Contains("kind: Configuration", e.Message);
    }

    [Fact]
    public void Wrong_api_version_is_refused()
    {
        var e = Fails("apiVersion: dapr.io/v2\nkind: Configuration\nmetadata:\n  name: x\n");
        Assert.Equal("apiVersion", e.Field);
    }

    [Fact]
    public void Missing_file_is_refused()
    {
        var e = Assert.Throws<ComponentConfigurationException>(() => RuntimeConfigurationLoader.Load("/nonexistent/dir/config.yaml"));
        Assert.Contains("/nonexistent/dir/config.yaml", e.Message);
    }

    [Fact]
    public void Broken_yaml_is_refused_with_file()
    {
        Fails(Header + "spec:\n  accessControl: [\n");
    }
}
