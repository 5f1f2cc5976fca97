using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Fairway.Cli.Bench;

/// <summary>
/// Bench payloads: an 8-byte little-endian counter, an 8-byte nonce of this bench process, then filler, cut to the
/// requested length. The counter makes every payload unique (from 8 bytes up) and lets the firm watcher map a committed
/// payload back to its scheduled send time without keeping a table of hashes.
/// </summary>
internal sealed class BenchPayload
{
    public const ulong Namespace = 0xBE7C;

    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(8);

    public BenchPayload(int txBytes) => TxBytes = txBytes;

    public int TxBytes { get; }

    /// <summary>On an encrypted chain, the prepared ciphertexts submitted in place of the payloads; null otherwise.</summary>
    public SealedPayloads? Sealed { get; init; }

    /// <summary>Bytes of what is submitted per transaction: the payload, or its ciphertext.</summary>
    public int SubmittedBytes => Sealed?.CiphertextBytes ?? TxBytes;

    /// <summary>Writes what is submitted for <paramref name="counter"/>: the payload, or its prepared ciphertext.</summary>
    public void WriteSubmitted(ulong counter, Span<byte> destination)
    {
        if (Sealed is { } sealedPayloads)
        {
            sealedPayloads.Get(counter).CopyTo(destination);
            return;
        }

        Write(counter, destination);
    }

    public void Write(ulong counter, Span<byte> destination)
    {
        Span<byte> head = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(head, counter);
        _nonce.CopyTo(head[8..]);
        var n = Math.Min(16, destination.Length);
        head[..n].CopyTo(destination);
        for (var i = 16; i < destination.Length; i++)
        {
            destination[i] = (byte)('a' + (i % 26));
        }
    }

    /// <summary>Reads the counter back from a base64 payload; false when it is not one of this process's payloads.</summary>
    public bool TryReadCounter(ReadOnlySpan<char> base64, out ulong counter)
    {
        counter = 0;
        Span<byte> head = stackalloc byte[18];
        // 24 base64 characters decode to 18 bytes with no padding, enough for counter and nonce.
        var chars = base64.Length > 24 ? base64[..24] : base64;
        if (!Convert.TryFromBase64Chars(chars, head, out var written))
        {
            return false;
        }

        Span<byte> counterBytes = stackalloc byte[8];
        head[..Math.Min(8, written)].CopyTo(counterBytes);
        counter = BinaryPrimitives.ReadUInt64LittleEndian(counterBytes);
        var nonceBytes = Math.Clamp(written - 8, 0, 8);
        return head.Slice(8, nonceBytes).SequenceEqual(_nonce.AsSpan(0, nonceBytes));
    }
}
