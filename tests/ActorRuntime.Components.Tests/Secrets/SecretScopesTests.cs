using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Secrets;

namespace ActorRuntime.Components.Tests.Secrets;

public sealed class SecretScopesTests
{
    private static SecretScopes Scopes(AccessAction defaultAccess, string[] allowed, string[] denied) =>
        new([new SecretScope("vault", defaultAccess, allowed, denied)]);

    [Fact]
    public void A_store_without_a_scope_is_fully_readable() =>
        Assert.True(Scopes(AccessAction.Deny, [], []).IsAllowed("other", "anything"));

    [Fact]
    public void Deny_by_default_with_no_lists_refuses_everything() =>
        Assert.False(Scopes(AccessAction.Deny, [], []).IsAllowed("vault", "a"));

    [Fact]
    public void A_non_empty_allow_list_is_the_whole_answer()
    {
        var s = Scopes(AccessAction.Allow, ["a"], ["a", "b"]);
        Assert.True(s.IsAllowed("vault", "a"));   // allowedSecrets wins over deniedSecrets, as in daprd
        Assert.False(s.IsAllowed("vault", "c"));  // and over defaultAccess: allow
    }

    [Fact]
    public void The_deny_list_removes_names_from_an_allow_default()
    {
        var s = Scopes(AccessAction.Allow, [], ["b"]);
        Assert.True(s.IsAllowed("vault", "a"));
        Assert.False(s.IsAllowed("vault", "b"));
    }

    [Fact]
    public void Names_are_case_sensitive() =>
        Assert.False(Scopes(AccessAction.Deny, ["Secret"], []).IsAllowed("vault", "secret"));
}
