namespace Fairway.Ordering.Output;

/// <summary>The policies this build knows, by name. A genesis naming any other is refused when it is loaded.</summary>
public static class OrderingPolicies
{
    /// <summary>In the order they were added to the project: demo networks number their namespaces in this order.</summary>
    private static readonly IOrderingPolicy[] All = [FcfsPolicy.Instance, FairPolicy.Instance, EncryptedPolicy.Instance, AuctionPolicy.Instance];

    private static readonly Dictionary<string, IOrderingPolicy> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    public static bool TryGet(string name, out IOrderingPolicy policy) => ByName.TryGetValue(name, out policy!);

    /// <summary>The policy named <paramref name="name"/>; an unknown name is an error that lists the known ones.</summary>
    public static IOrderingPolicy Get(string name) =>
        TryGet(name, out var policy)
            ? policy
            : throw new ArgumentException($"unknown ordering policy \"{name}\"; this build knows: {string.Join(", ", Names)}");
}
