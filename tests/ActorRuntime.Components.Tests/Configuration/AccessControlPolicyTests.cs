using ActorRuntime.Components.Configuration;

namespace ActorRuntime.Components.Tests.Configuration;

public class AccessControlPolicyTests
{
    private static AccessControlOperation Op(string name, AccessAction action, params string[] verbs) =>
        new(name, verbs, action);

    private static AccessControlAppPolicy App(string appId, AccessAction? def, params AccessControlOperation[] ops) =>
        new(appId, def, "public", "default", ops);

    private static AccessControlPolicy Policy(AccessAction? global, params AccessControlAppPolicy[] apps) =>
        AccessControlPolicy.From(new AccessControlSpec(global, "public", apps));

    private static bool Allowed(AccessControlPolicy p, string app, string verb, string op, string? ns = null, string? td = null) =>
        p.Check(app, ns, td, verb, op).Allowed;

    [Fact]
    public void No_access_control_allows_everything()
    {
        Assert.True(AccessControlPolicy.From(null).Check("x", null, null, "DELETE", "/anything").Allowed);
        Assert.True(AccessControlPolicy.AllowAll.Check("", null, null, "", "/a").Allowed);
    }

    [Fact]
    public void Empty_access_control_without_default_allows_everything()
    {
        Assert.True(Allowed(Policy(null), "x", "GET", "/a"));
    }

    [Fact]
    public void Policies_without_global_default_deny_unknown_callers()
    {
        var p = Policy(null, App("app1", AccessAction.Allow));
        Assert.True(Allowed(p, "app1", "GET", "/a"));
        var d = p.Check("app2", null, null, "GET", "/a");
        Assert.False(d.Allowed);
        Assert.Contains("global default", d.Reason);
        Assert.Contains("app2", d.Reason);
    }

    [Fact]
    public void Global_allow_applies_to_unknown_callers_and_unknown_caller_id()
    {
        var p = Policy(AccessAction.Allow, App("app1", AccessAction.Deny));
        Assert.True(Allowed(p, "other", "GET", "/a"));
        Assert.False(Allowed(p, "app1", "GET", "/a"));
        Assert.True(Allowed(p, "", "GET", "/a"));
        Assert.False(Allowed(Policy(AccessAction.Deny, App("app1", AccessAction.Allow)), "", "GET", "/a"));
    }

    [Fact]
    public void Operation_action_then_policy_default_then_global_default()
    {
        var p = Policy(AccessAction.Allow,
            App("a", AccessAction.Deny, Op("/op1", AccessAction.Allow, "GET")),
            App("b", null, Op("/op1", AccessAction.Deny, "GET")));
        Assert.True(Allowed(p, "a", "GET", "/op1"));
        Assert.False(Allowed(p, "a", "GET", "/op2"));   // policy default deny
        Assert.False(Allowed(p, "b", "GET", "/op1"));
        Assert.True(Allowed(p, "b", "GET", "/op2"));    // no policy default: global allow
    }

    [Theory]
    [InlineData("/op/x", true)]
    [InlineData("/op/x/y", false)]
    [InlineData("/op", false)]
    public void Single_star_matches_one_segment(string path, bool allowed)
    {
        var p = Policy(AccessAction.Deny, App("a", null, Op("/op/*", AccessAction.Allow, "*")));
        Assert.Equal(allowed, Allowed(p, "a", "POST", path));
    }

    [Theory]
    [InlineData("/op/x", true)]
    [InlineData("/op/x/y/z", true)]
    [InlineData("/op", false)]
    [InlineData("/opx/y", false)]
    public void Double_star_matches_any_depth(string path, bool allowed)
    {
        var p = Policy(AccessAction.Deny, App("a", null, Op("/op/**", AccessAction.Allow, "*")));
        Assert.Equal(allowed, Allowed(p, "a", "GET", path));
    }

    [Fact]
    public void Star_inside_a_segment_is_a_glob()
    {
        var p = Policy(AccessAction.Deny, App("a", null, Op("/orders/v*-read", AccessAction.Allow, "*")));
        Assert.True(Allowed(p, "a", "GET", "/orders/v2-read"));
        Assert.False(Allowed(p, "a", "GET", "/orders/v2-write"));
    }

    [Fact]
    public void Most_specific_rule_wins_regardless_of_order()
    {
        var p = Policy(AccessAction.Deny, App("a", AccessAction.Deny,
            Op("/admin/**", AccessAction.Deny, "*"),
            Op("/admin/*", AccessAction.Allow, "*"),
            Op("/admin/health", AccessAction.Deny, "*"),
            Op("/admin/users/**", AccessAction.Allow, "GET")));
        Assert.True(Allowed(p, "a", "GET", "/admin/status"));          // * beats **
        Assert.False(Allowed(p, "a", "GET", "/admin/health"));         // exact beats *
        Assert.True(Allowed(p, "a", "GET", "/admin/users/1/roles"));   // longer literal prefix beats /admin/**
        Assert.False(Allowed(p, "a", "GET", "/admin/x/y"));            // only ** matches
    }

    [Fact]
    public void Rule_only_matches_listed_verbs_and_broader_rule_still_applies()
    {
        var p = Policy(AccessAction.Allow, App("a", AccessAction.Allow,
            Op("/admin/**", AccessAction.Deny, "*"),
            Op("/admin/report", AccessAction.Allow, "GET", "HEAD")));
        Assert.True(Allowed(p, "a", "GET", "/admin/report"));
        Assert.True(Allowed(p, "a", "head", "/admin/report"));
        Assert.False(Allowed(p, "a", "POST", "/admin/report"));
    }

    [Fact]
    public void Verb_not_listed_falls_back_to_policy_default()
    {
        var p = Policy(AccessAction.Allow, App("a", AccessAction.Deny, Op("/op1", AccessAction.Allow, "GET", "PUT")));
        Assert.True(Allowed(p, "a", "PUT", "/op1"));
        Assert.False(Allowed(p, "a", "DELETE", "/op1"));
    }

    [Fact]
    public void Grpc_calls_without_verb_ignore_the_verb_list()
    {
        var p = Policy(AccessAction.Deny, App("a", AccessAction.Deny, Op("/op1", AccessAction.Allow, "GET")));
        Assert.True(Allowed(p, "a", "", "/op1"));
        Assert.False(Allowed(p, "a", "", "/op2"));
    }

    [Fact]
    public void Rule_without_verbs_applies_only_to_grpc()
    {
        var p = Policy(AccessAction.Deny, App("a", AccessAction.Deny, Op("/op1", AccessAction.Allow)));
        Assert.True(Allowed(p, "a", "", "/op1"));
        Assert.False(Allowed(p, "a", "GET", "/op1"));
    }

    [Theory]
    [InlineData("/public/../admin")]
    [InlineData("/public/%2e%2e/admin")]
    [InlineData("//admin")]
    [InlineData("/./admin/")]
    [InlineData("admin")]
    [InlineData("/%61dmin")]
    [InlineData("/public/x/../../admin")]
    [InlineData("/../../admin")]
    [InlineData("/admin?x=/public/a")]
    [InlineData("/ADMIN")]
    public void Normalisation_tricks_cannot_bypass_a_deny_rule(string path)
    {
        var p = Policy(AccessAction.Allow, App("a", AccessAction.Allow,
            Op("/admin", AccessAction.Deny, "*"),
            Op("/public/**", AccessAction.Allow, "*")));
        var d = p.Check("a", null, null, "GET", path);
        Assert.False(d.Allowed, d.Reason);
    }

    [Theory]
    [InlineData("/a%zz")]
    [InlineData("/a%2")]
    [InlineData("/a%00b")]
    [InlineData("/%ff")]
    public void Malformed_paths_are_denied(string path)
    {
        var p = Policy(AccessAction.Allow, App("a", AccessAction.Allow));
        var d = p.Check("a", null, null, "GET", path);
        Assert.False(d.Allowed);
        Assert.Contains("not a valid path", d.Reason);
    }

    [Fact]
    public void Case_sensitive_matching_for_grpc_apps()
    {
        var spec = new AccessControlSpec(AccessAction.Allow, "public",
            [App("a", AccessAction.Allow, Op("/Admin", AccessAction.Deny, "*"))]);
        var grpc = AccessControlPolicy.From(spec, ignoreOperationCase: false);
        Assert.False(grpc.Check("a", null, null, "", "/Admin").Allowed);
        Assert.True(grpc.Check("a", null, null, "", "/admin").Allowed);
        Assert.False(AccessControlPolicy.From(spec).Check("a", null, null, "", "/admin").Allowed);
    }

    [Fact]
    public void Namespace_and_trust_domain_must_match()
    {
        var spec = new AccessControlSpec(AccessAction.Deny, "public",
        [
            new AccessControlAppPolicy("a", AccessAction.Allow, "corp", "prod", []),
            new AccessControlAppPolicy("b", AccessAction.Allow, "public", "default", []),
        ]);
        var p = AccessControlPolicy.From(spec);
        Assert.True(Allowed(p, "a", "GET", "/x", "prod", "corp"));
        Assert.False(Allowed(p, "a", "GET", "/x", "dev", "corp"));
        Assert.False(Allowed(p, "a", "GET", "/x", "prod", "public"));
        Assert.False(Allowed(p, "a", "GET", "/x"));
        // Defaults: namespace "default", trust domain "public".
        Assert.True(Allowed(p, "b", "GET", "/x"));
        Assert.True(Allowed(p, "b", "GET", "/x", "default", "public"));
        Assert.False(Allowed(p, "b", "GET", "/x", "other", null));
        Assert.Contains("trust domain", p.Check("a", "prod", "public", "GET", "/x").Reason);
    }

    [Fact]
    public void Same_app_id_in_two_namespaces_has_separate_policies()
    {
        var spec = new AccessControlSpec(AccessAction.Deny, "public",
        [
            new AccessControlAppPolicy("a", AccessAction.Allow, "public", "ns1", []),
            new AccessControlAppPolicy("a", AccessAction.Deny, "public", "ns2", []),
        ]);
        var p = AccessControlPolicy.From(spec);
        Assert.True(Allowed(p, "a", "GET", "/x", "ns1"));
        Assert.False(Allowed(p, "a", "GET", "/x", "ns2"));
    }

    [Fact]
    public void App_id_is_case_sensitive()
    {
        var p = Policy(AccessAction.Deny, App("app1", AccessAction.Allow));
        Assert.False(Allowed(p, "APP1", "GET", "/x"));
    }

    [Fact]
    public void Reason_names_the_rule()
    {
        var p = Policy(AccessAction.Deny, App("a", null, Op("/op/*", AccessAction.Allow, "GET")));
        var d = p.Check("a", null, null, "GET", "/op/1");
        Assert.True(d.Allowed);
        Assert.Contains("'/op/*'", d.Reason);
        Assert.Contains("GET /op/1", d.Reason);
    }
}
