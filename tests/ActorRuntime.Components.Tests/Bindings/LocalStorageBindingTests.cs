using System.Text.Json;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.LocalStorage;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary><c>bindings.localstorage</c> on a temporary folder: every operation, Dapr's data rules, and escapes refused.</summary>
public sealed class LocalStorageBindingTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actorrt-localstorage-" + Guid.NewGuid().ToString("N")[..8]);
    private string Root => Path.Combine(_dir, "root");
    private LocalStorageBinding _binding = null!;

    public async Task InitializeAsync()
    {
        _binding = new LocalStorageBinding(TestServers.Component("bindings.localstorage", ("rootPath", Root)));
        await _binding.InitAsync(default); // creates the root, as Dapr does
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Create_with_fileName_writes_a_json_strings_text_and_answers_the_name()
    {
        var created = await _binding.Call("create", "\"Hello World\"", ("fileName", "my-test-file.txt"));
        Assert.Equal("""{"fileName":"my-test-file.txt"}""", created.Text());
        Assert.Equal("Hello World", File.ReadAllText(Path.Combine(Root, "my-test-file.txt")));
        Assert.Equal("Hello World", (await _binding.Call("get", null, ("fileName", "my-test-file.txt"))).Text());
    }

    [Fact]
    public async Task Create_without_fileName_uses_a_new_uuid_and_objects_are_written_as_json()
    {
        var created = await _binding.Call("create", """{"a":1}""");
        var name = JsonDocument.Parse(created.Text()).RootElement.GetProperty("fileName").GetString()!;
        Assert.True(Guid.TryParse(name, out _));
        Assert.Equal("""{"a":1}""", File.ReadAllText(Path.Combine(Root, name)));
    }

    [Fact]
    public async Task Base64_data_is_written_as_the_bytes_it_encodes_and_nested_folders_are_created()
    {
        await _binding.Call("create", "\"AAEC/w==\"", ("fileName", "a/b/blob.bin"));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, File.ReadAllBytes(Path.Combine(Root, "a", "b", "blob.bin")));
    }

    [Fact]
    public async Task List_answers_every_file_under_the_root_or_a_folder_and_delete_removes_one()
    {
        await _binding.Call("create", "\"1\"", ("fileName", "one.txt"));
        await _binding.Call("create", "\"2\"", ("fileName", "my/cool/directory/two.txt"));
        var all = JsonSerializer.Deserialize<string[]>((await _binding.Call("list")).Text())!;
        Assert.Equal([Path.Combine(Root, "my", "cool", "directory", "two.txt"), Path.Combine(Root, "one.txt")], all);
        var some = JsonSerializer.Deserialize<string[]>((await _binding.Call("list", null, ("fileName", "my/cool/directory"))).Text())!;
        Assert.Equal([Path.Combine(Root, "my", "cool", "directory", "two.txt")], some);

        Assert.True((await _binding.Call("delete", null, ("fileName", "one.txt"))).IsEmpty);
        Assert.False(File.Exists(Path.Combine(Root, "one.txt")));
        var missing = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("delete", null, ("fileName", "one.txt")));
        Assert.Contains("does not exist", missing.Message);
        await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("get", null, ("fileName", "one.txt")));
        var notFolder = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("list", null, ("fileName", "my/cool/directory/two.txt")));
        Assert.Contains("not a directory", notFolder.Message);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    [InlineData("/etc/passwd")]
    public async Task A_name_escaping_rootPath_is_refused_for_every_operation(string fileName)
    {
        File.WriteAllText(Path.Combine(_dir, "outside.txt"), "secret");
        foreach (var op in new[] { "create", "get", "delete", "list" })
        {
            var e = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call(op, "\"x\"", ("fileName", fileName)));
            Assert.Contains(fileName, e.Message);
            Assert.Contains("rootPath", e.Message);
        }
        Assert.Equal("secret", File.ReadAllText(Path.Combine(_dir, "outside.txt")));
    }

    [Fact]
    public async Task A_symbolic_link_pointing_outside_is_refused()
    {
        var outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(Root, "linkdir"), outside);
        File.CreateSymbolicLink(Path.Combine(Root, "linkfile"), Path.Combine(outside, "secret.txt"));
        Directory.CreateDirectory(Path.Combine(Root, "inside"));
        File.CreateSymbolicLink(Path.Combine(Root, "inside", "ok"), Path.Combine(Root, "target.txt"));
        File.WriteAllText(Path.Combine(Root, "target.txt"), "fine");

        foreach (var name in new[] { "linkdir/secret.txt", "linkfile", "linkdir/new.txt" })
        {
            await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("get", null, ("fileName", name)));
            await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("create", "\"x\"", ("fileName", name)));
        }
        await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("list", null, ("fileName", "linkdir")));
        // Listing the root names the links but never walks into them.
        var listed = (await _binding.Call("list")).Text();
        Assert.DoesNotContain("secret.txt", listed);
        Assert.Contains("linkdir", listed);
        Assert.Equal("secret", File.ReadAllText(Path.Combine(outside, "secret.txt")));
        Assert.False(File.Exists(Path.Combine(outside, "new.txt")));
        // A link that stays inside the root is an ordinary file.
        Assert.Equal("fine", (await _binding.Call("get", null, ("fileName", "inside/ok"))).Text());
    }

    [Fact]
    public async Task Get_and_delete_need_a_fileName()
    {
        var e = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("get"));
        Assert.Equal("required metadata not set: fileName", e.Message);
        await Assert.ThrowsAsync<UnsupportedBindingOperationException>(() => _binding.Call("exec"));
    }

    [Fact]
    public void A_component_without_rootPath_fails_naming_the_field()
    {
        var definition = new ComponentDefinition { Name = "files", Type = "bindings.localstorage", SourceFile = "files.yaml" };
        var e = Assert.Throws<ComponentConfigurationException>(() => new LocalStorageBinding(definition));
        Assert.Equal("file 'files.yaml', component 'files', field 'rootPath': is required", e.Message);
    }
}
