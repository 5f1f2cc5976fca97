using System.Diagnostics;
using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Crypto.Threshold;

namespace Fairway.Cli.Bench;

/// <summary>
/// Ciphertexts of a rate's bench payloads for an encrypted chain, made before the rate starts: encrypting costs about
/// 0.3 ms of CPU per transaction, which the sender would otherwise take from the validators sharing this machine in
/// the middle of the measurement. The stream carries the plaintexts, so the firm watcher reads the counters as before.
/// </summary>
internal sealed class SealedPayloads(ThresholdKeySet keySet, ulong @namespace, int plaintextBytes)
{
    private readonly byte[] _label = EncryptionLabel.Of(@namespace);
    private byte[][] _sealed = [];
    private ulong _first;

    /// <summary>Bytes of every ciphertext: the plaintexts have one length, so their ciphertexts do too.</summary>
    public int CiphertextBytes { get; } = Canonical.Encode(ThresholdEncryption.Encrypt(keySet, EncryptionLabel.Of(@namespace), new byte[plaintextBytes])).Length;

    /// <summary>Encrypts the payloads of counters <paramref name="first"/> onwards on every core; the previous rate's are dropped.</summary>
    public void Prepare(BenchPayload payload, ulong first, int count)
    {
        var started = Stopwatch.GetTimestamp();
        var sealedPayloads = new byte[count][];
        Parallel.For(0, count, i =>
        {
            var plaintext = new byte[plaintextBytes];
            payload.Write(first + (ulong)i, plaintext);
            sealedPayloads[i] = Canonical.Encode(ThresholdEncryption.Encrypt(keySet, _label, plaintext));
        });
        (_sealed, _first) = (sealedPayloads, first);
        Console.Error.WriteLine($"fairway bench: encrypted {count} payloads in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (before the rate starts, not measured)");
    }

    public ReadOnlySpan<byte> Get(ulong counter) => _sealed[checked((int)(counter - _first))];
}
