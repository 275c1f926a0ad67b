namespace TcpLb.Fuzz;

/// <summary>Every target in this assembly, found by type, so that adding a target is adding its file.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        .. typeof(FuzzTargets).Assembly.GetTypes()
            .Where(type => type.IsClass && !type.IsAbstract && typeof(IFuzzTarget).IsAssignableFrom(type))
            .Select(type => (IFuzzTarget)Activator.CreateInstance(type)!)
            .OrderBy(target => target.Name, StringComparer.Ordinal),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(target => target.Name == name);
}
