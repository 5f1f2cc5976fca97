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
        if (defaultPolicy is AuctionPolicy)
        {
            throw new ArgumentException("auction is a policy for declared namespaces (each with its own auction), not a default");
        }

        Auctions = [.. Declared.Where(d => d.Policy is AuctionPolicy)];
        HasFair = defaultPolicy.FairOrdered || _declared.Values.Any(d => d.Policy.FairOrdered);
        HasEncrypted = defaultPolicy.Encrypted || _declared.Values.Any(d => d.Policy.Encrypted) || HasAuction;
    }

    /// <summary>Every namespace gets <c>fcfs</c>; none declared.</summary>
    public static readonly NamespaceRegistry FcfsOnly = new(FcfsPolicy.Instance, []);

    public IOrderingPolicy DefaultPolicy { get; }

    /// <summary>The <c>auction</c> namespaces, ascending.</summary>
    public IReadOnlyList<NamespaceDeclaration> Auctions { get; }

    /// <summary>True when some namespace is <c>auction</c>: the chain then has a sealed-bid lane and an express lane.</summary>
    public bool HasAuction => Auctions.Count > 0;

    /// <summary>The settings of <paramref name="namespace"/>'s auction, or null when it is not an <c>auction</c> namespace.</summary>
    public AuctionSettings? AuctionOf(ulong @namespace) => (Find(@namespace)?.Policy as AuctionPolicy)?.Settings;

    public IReadOnlyList<NamespaceDeclaration> Declared { get; }

    /// <summary>True when some namespace is ordered by the fair rules (<c>fair</c>, <c>encrypted</c>): blocks then carry candidate lists.</summary>
    public bool HasFair { get; }

    /// <summary>True when some namespace is <c>encrypted</c>: committed blocks then wait for decryption before their output.</summary>
    public bool HasEncrypted { get; }

    /// <summary>
    /// The chain's own namespaces (key generation) are <c>fcfs</c>: they must be readable and need no fairness. On a chain
    /// with auctions, sealed bids are <c>encrypted</c> (nobody reads one before bidding closes) and the express lanes'
    /// bundles <c>fair</c> (no single leader can drop one).
    /// </summary>
    public IOrderingPolicy PolicyOf(ulong @namespace) =>
        _declared.TryGetValue(@namespace, out var d) ? d.Policy
        : HasAuction && @namespace == Core.Chain.SystemNamespaces.AuctionBids ? EncryptedPolicy.Instance
        : HasAuction && @namespace == Core.Chain.SystemNamespaces.Express ? FairPolicy.Instance
        : Core.Chain.SystemNamespaces.IsReserved(@namespace) ? FcfsPolicy.Instance
        : DefaultPolicy;

    public bool IsFairOrdered(ulong @namespace) => PolicyOf(@namespace).FairOrdered;

    /// <summary>
    /// Whether the fair rules order this transaction: by its namespace, or for a bundle's carrier, when any of its legs
    /// is in a fair namespace (the whole bundle then ranks as one unit by its receive times).
    /// </summary>
    public bool IsFairOrdered(Core.Chain.Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Namespace != Core.Chain.SystemNamespaces.Bundle)
        {
            return IsFairOrdered(transaction.Namespace);
        }

        return HasFair && OpenBundle(transaction) is { } bundle && bundle.Legs.Any(leg => IsFairOrdered(leg.Namespace));
    }

    /// <summary>
    /// The bundle a carrier holds if this chain orders it: well formed and no leg in an <c>encrypted</c> namespace (a
    /// ciphertext leg could fail to open after its bundle's place is fixed, so the API refuses such bundles and the
    /// ordering stage drops any that a faulty validator batches anyway).
    /// </summary>
    public Core.Chain.Bundle? OpenBundle(Core.Chain.Transaction carrier)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        // A leg that looks like an auction record would be dropped alone, splitting the bundle: the bundle is refused whole.
        return Core.Chain.Bundle.TryOpen(carrier) is { } bundle && !bundle.Legs.Any(leg => IsEncrypted(leg.Namespace)
            || (AuctionOf(leg.Namespace) is not null && Core.Auction.AuctionRecord.HasMagic(leg.Payload.Span))) ? bundle : null;
    }

    public bool IsEncrypted(ulong @namespace) => PolicyOf(@namespace).Encrypted;

    public NamespaceDeclaration? Find(ulong @namespace) => _declared.GetValueOrDefault(@namespace);
}
