using System.Buffers.Binary;
using Fairway.Core.Crypto;

namespace Fairway.Core.Encoding;

/// <summary>
/// Reads the canonical form written by <see cref="CanonicalWriter"/>. Every length is checked against a
/// caller-given limit before anything is allocated, and every malformed input throws
/// <see cref="EncodingException"/> naming what was wrong.
/// </summary>
public ref struct CanonicalReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly int Position => _position;

    /// <summary>The bytes read since <paramref name="start"/> (an earlier <see cref="Position"/>): lets a decoder keep its own encoding.</summary>
    public readonly ReadOnlySpan<byte> ReadSince(int start) => _data[start.._position];

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new EncodingException($"truncated input: {what} needs {count} bytes, {Remaining} left");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadU8(string what = "u8") => Take(1, what)[0];

    /// <summary>Exactly <paramref name="count"/> bytes with no length prefix: a field whose size the format fixes.</summary>
    public ReadOnlySpan<byte> ReadFixed(int count, string what) => Take(count, what);

    public bool ReadBool(string what = "bool")
    {
        var b = ReadU8(what);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new EncodingException($"non-canonical {what}: boolean byte {b}"),
        };
    }

    public ushort ReadU16(string what = "u16") => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadU32(string what = "u32") => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadU64(string what = "u64") => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public long ReadI64(string what = "i64") => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public Hash ReadHash(string what = "hash") => new(Take(Hash.Size, what));

    public PublicKey ReadPublicKey(string what = "public key") => new(Take(PublicKey.Size, what));

    public Signature ReadSignature(string what = "signature") => new(Take(Signature.Size, what));

    /// <summary>Reads a u32 element count and refuses it above <paramref name="max"/>.</summary>
    public int ReadCount(int max, string what)
    {
        var count = ReadU32(what + " count");
        if (count > (uint)max)
        {
            throw new EncodingException($"{what}: count {count} exceeds the limit {max}");
        }

        return (int)count;
    }

    public ReadOnlySpan<byte> ReadBytes(int maxLength, string what)
    {
        var length = ReadCount(maxLength, what);
        return Take(length, what);
    }

    public string ReadString(int maxBytes, string what)
    {
        var bytes = ReadBytes(maxBytes, what);
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(bytes);
        }
        catch (ArgumentException e)
        {
            throw new EncodingException($"{what}: not valid UTF-8", e);
        }
    }

    /// <summary>Reads a version byte and refuses any other version.</summary>
    /// <summary>
    /// A version byte that is <paramref name="plain"/> for epoch 0 or <paramref name="withEpoch"/> followed by the epoch
    /// (above 0: epoch 0 has one encoding only, the plain one); returns the epoch.
    /// </summary>
    public ulong ReadEpochVersion(byte plain, byte withEpoch, string what)
    {
        var version = ReadU8(what + " version");
        if (version != plain && version != withEpoch)
        {
            throw new EncodingException($"{what}: unsupported version {version} (expected {plain} or {withEpoch})");
        }

        var epoch = version == withEpoch ? ReadU64(what + " epoch") : 0;
        if (version == withEpoch && epoch == 0)
        {
            throw new EncodingException($"{what}: epoch 0 is written as version {plain}");
        }

        return epoch;
    }

    public void ExpectVersion(byte expected, string what)
    {
        var version = ReadU8(what + " version");
        if (version != expected)
        {
            throw new EncodingException($"{what}: unsupported version {version} (expected {expected})");
        }
    }

    public readonly void EnsureEnd(string what)
    {
        if (Remaining != 0)
        {
            throw new EncodingException($"{what}: {Remaining} trailing bytes");
        }
    }
}
