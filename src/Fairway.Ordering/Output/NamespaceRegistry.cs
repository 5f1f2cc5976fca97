namespace Fairway.Ordering.Output;

/// <summary>A namespace declared in genesis: its id, a name for people, and its ordering policy.</summary>
public sealed record NamespaceDeclaration(ulong Id, string Name, IOrderingPolicy Policy);

/// <summary>
/// Which policy orders each namespace: the declared ones from genesis, and the chain's default policy for every
/// namespace not declared. Immutable; every validator must hold the same registry (it is part of genesis).
/// </summary>
public sealed class NamespaceRegistry
{
    /// <summary>Most namespaces genesis may declare.</summary>
    public const int DeclaredMax = 4096;

    private readonly Dictionary<ulong, NamespaceDeclaration> _declared;

    public NamespaceRegistry(IOrderingPolicy defaultPolicy, IEnumerable<NamespaceDeclaration> declared)
    {
        ArgumentNullException.ThrowIfNull(defaultPolicy);
        ArgumentNullException.ThrowIfNull(declared);
        DefaultPolicy = defaultPolicy;
        _declared = [];
        foreach (var d in declared)
        {
            if (_declared.Count >= DeclaredMax)
            {
                throw new ArgumentException($"at most {DeclaredMax} declared namespaces");
            }

            if (!_declared.TryAdd(d.Id, d))
            {
                throw new ArgumentException($"namespace {d.Id} is declared twice");
            }
        }

        Declared = [.. _declared.Values.OrderBy(d => d.Id)];
        HasFair = defaultPolicy.FairOrdered || _declared.Values.Any(d => d.Policy.FairOrdered);
        HasEncrypted = defaultPolicy.Encrypted || _declared.Values.Any(d => d.Policy.Encrypted);
    }

    /// <summary>Every namespace gets <c>fcfs</c>; none declared.</summary>
    public static readonly NamespaceRegistry FcfsOnly = new(FcfsPolicy.Instance, []);

    public IOrderingPolicy DefaultPolicy { get; }

    public IReadOnlyList<NamespaceDeclaration> Declared { get; }

    /// <summary>True when some namespace is ordered by the fair rules (<c>fair</c>, <c>encrypted</c>): blocks then carry candidate lists.</summary>
    public bool HasFair { get; }

    /// <summary>True when some namespace is <c>encrypted</c>: committed blocks then wait for decryption before their output.</summary>
    public bool HasEncrypted { get; }

    /// <summary>The chain's own namespaces (key generation) are always <c>fcfs</c>: they must be readable and need no fairness.</summary>
    public IOrderingPolicy PolicyOf(ulong @namespace) =>
        _declared.TryGetValue(@namespace, out var d) ? d.Policy
        : Core.Chain.SystemNamespaces.IsReserved(@namespace) ? FcfsPolicy.Instance
        : DefaultPolicy;

    public bool IsFairOrdered(ulong @namespace) => PolicyOf(@namespace).FairOrdered;

    public bool IsEncrypted(ulong @namespace) => PolicyOf(@namespace).Encrypted;

    public NamespaceDeclaration? Find(ulong @namespace) => _declared.GetValueOrDefault(@namespace);
}
