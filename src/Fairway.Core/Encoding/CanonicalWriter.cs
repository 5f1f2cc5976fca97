using System.Buffers.Binary;
using Fairway.Core.Crypto;

namespace Fairway.Core.Encoding;

/// <summary>
/// Writes Fairway's canonical binary form: fixed-width little-endian integers, u32 length prefixes,
/// one byte for booleans and option tags. There is exactly one encoding of every value, so hashes and
/// signatures over it are stable across nodes and versions of the code.
/// </summary>
public sealed class CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(16, initialCapacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Reset() => _length = 0;

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var grown = new byte[Math.Max(_buffer.Length * 2, _length + count)];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteU8(byte value) => Reserve(1)[0] = value;

    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);

    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    /// <summary>What <see cref="CanonicalReader.ReadEpochVersion"/> reads: <paramref name="plain"/> for epoch 0, else <paramref name="withEpoch"/> and the epoch.</summary>
    public void WriteEpochVersion(byte plain, byte withEpoch, ulong epoch)
    {
        WriteU8(epoch == 0 ? plain : withEpoch);
        if (epoch != 0)
        {
            WriteU64(epoch);
        }
    }

    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteI64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteHash(Hash value) => value.CopyTo(Reserve(Hash.Size));

    public void WritePublicKey(PublicKey value) => value.CopyTo(Reserve(PublicKey.Size));

    public void WriteSignature(Signature value) => value.CopyTo(Reserve(Signature.Size));

    /// <summary>Raw bytes with no length prefix, for fixed-size fields and domain tags.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteU32(checked((uint)bytes.Length));
        WriteRaw(bytes);
    }

    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteBytes(System.Text.Encoding.UTF8.GetBytes(value));
    }

    public void WriteCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteU32((uint)count);
    }
}
