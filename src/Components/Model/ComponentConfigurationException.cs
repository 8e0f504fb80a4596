namespace ActorRuntime.Components.Model;

/// <summary>
/// A resource file that cannot be used. The message always says where: file, component and field,
/// because the process refuses to start on it and the user must be able to fix it from the message alone.
/// </summary>
public sealed class ComponentConfigurationException : Exception
{
    public ComponentConfigurationException(string? file, string? component, string? field, string problem, Exception? inner = null)
        : base(Format(file, component, field, problem), inner)
    {
        File = file;
        ComponentName = component;
        Field = field;
        Problem = problem;
    }

    public string? File { get; }
    public string? ComponentName { get; }
    public string? Field { get; }
    public string Problem { get; }

    private static string Format(string? file, string? component, string? field, string problem)
    {
        var where = new List<string>();
        if (file is not null) where.Add($"file '{file}'");
        if (component is not null) where.Add($"component '{component}'");
        if (field is not null) where.Add($"field '{field}'");
        return where.Count == 0 ? problem : $"{string.Join(", ", where)}: {problem}";
    }
}
