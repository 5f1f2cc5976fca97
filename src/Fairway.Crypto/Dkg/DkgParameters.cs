using Fairway.Crypto.Group;

namespace Fairway.Crypto.Dkg;

/// <summary>
/// What every participant of one key generation must agree on before it starts: the session context (bound into every
/// pad, proof and key set id, so nothing made for one session, chain or epoch counts in another), the threshold, and the
/// transport public keys of validators 0..n−1 (from genesis). Validator v holds share index v+1.
/// </summary>
/// <remarks>
/// The caller chooses the threshold. With at most f faulty validators it must be at least f+1: then the f+1 qualified
/// dealers a key needs include an honest one, whose random polynomial keeps the key secret from the faulty ones, and
/// fewer than f+1 shares (all the faulty validators hold) say nothing about the key.
/// </remarks>
public sealed class DkgParameters
{
    /// <summary>Validators a session may have: share indices and dealer numbers fit a u16 and encodings stay bounded.</summary>
    public const int MaxValidators = 256;

    /// <summary>Context bytes a session may have: enough for a chain id and an epoch, and a bound on what is decoded.</summary>
    public const int MaxContextLength = 128;

    private readonly byte[] _context;

    public DkgParameters(ReadOnlySpan<byte> context, int threshold, IReadOnlyList<GroupElement> transportKeys)
    {
        ArgumentNullException.ThrowIfNull(transportKeys);
        if (context.Length > MaxContextLength)
        {
            throw new ArgumentException($"a session context is at most {MaxContextLength} bytes, got {context.Length}", nameof(context));
        }

        if (transportKeys.Count is 0 or > MaxValidators)
        {
            throw new ArgumentException($"a session has between 1 and {MaxValidators} validators, got {transportKeys.Count}", nameof(transportKeys));
        }

        if (threshold < 1 || threshold > transportKeys.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"the threshold must be between 1 and {transportKeys.Count}");
        }

        // Anyone can compute e·Identity, so shares sent to the identity would be public.
        if (transportKeys.Any(k => k.IsIdentity))
        {
            throw new ArgumentException("the identity is not a transport key", nameof(transportKeys));
        }

        _context = context.ToArray();
        Threshold = threshold;
        TransportKeys = [.. transportKeys];
    }

    public ReadOnlySpan<byte> Context => _context;

    /// <summary>Shares needed to use the key: polynomials have degree Threshold − 1.</summary>
    public int Threshold { get; }

    public int ValidatorCount => TransportKeys.Count;

    /// <summary>Validator v's transport public key at position v.</summary>
    public IReadOnlyList<GroupElement> TransportKeys { get; }

    internal byte[] ContextBytes => _context;

    internal bool IsValidator(int validator) => validator >= 0 && validator < TransportKeys.Count;
}
