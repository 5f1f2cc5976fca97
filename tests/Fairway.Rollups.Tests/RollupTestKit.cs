using Fairway.Core.Crypto;
using Fairway.Crypto;
using Fairway.Rollups.Accounts;

namespace Fairway.Rollups.Tests;

/// <summary>Keys and transaction builders the oracle, perps, options and market tests share.</summary>
internal static class RollupTestKit
{
    public const ulong Usd = 1_000_000;
    public const ulong Unit = 1_000_000;
    public const ulong Hour = 3_600_000;
    public const ulong Day = 24 * Hour;

    public static readonly Ed25519Signer Feeder = Ed25519Signer.FromSeedPhrase("rollups-feeder");
    public static readonly Ed25519Signer Maker = Ed25519Signer.FromSeedPhrase("rollups-market-maker");
    public static readonly Ed25519Signer Alice = Ed25519Signer.FromSeedPhrase("rollups-alice");
    public static readonly Ed25519Signer Bob = Ed25519Signer.FromSeedPhrase("rollups-bob");
    public static readonly Ed25519Signer Carol = Ed25519Signer.FromSeedPhrase("rollups-carol");
    public static readonly Ed25519Signer Dave = Ed25519Signer.FromSeedPhrase("rollups-dave");
    public static readonly ISignatureVerifier Verifier = Ed25519Verifier.Instance;

    public static byte[] Tx(ulong ns, Ed25519Signer who, ulong nonce, byte kind, byte[]? body = null) =>
        RollupTransaction.Sign(ns, kind, nonce, body ?? [], who).Encode();

    public static byte[] Forged(byte[] payload)
    {
        var forged = (byte[])payload.Clone();
        forged[^1] ^= 1;
        return forged;
    }

    public static List<ReadOnlyMemory<byte>> Payloads(params byte[][] payloads) => [.. payloads.Select(p => (ReadOnlyMemory<byte>)p)];
}
