namespace Fairway.Ordering.Output;

/// <summary>The policies this build knows, by name. A genesis naming any other is refused when it is loaded.</summary>
public static class OrderingPolicies
{
    private static readonly Dictionary<string, IOrderingPolicy> ByName = new(StringComparer.Ordinal)
    {
        [FcfsPolicy.PolicyName] = FcfsPolicy.Instance,
        [FairPolicy.PolicyName] = FairPolicy.Instance,
        [EncryptedPolicy.PolicyName] = EncryptedPolicy.Instance,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryGet(string name, out IOrderingPolicy policy) => ByName.TryGetValue(name, out policy!);

    /// <summary>The policy named <paramref name="name"/>; an unknown name is an error that lists the known ones.</summary>
    public static IOrderingPolicy Get(string name) =>
        TryGet(name, out var policy)
            ? policy
            : throw new ArgumentException($"unknown ordering policy \"{name}\"; this build knows: {string.Join(", ", Names)}");
}
