using Grpc.Core;

namespace Fairway.Cli.Bench;

/// <summary>
/// etcd's <c>KV.Put</c> over its gRPC API, with the request written by hand: a <c>PutRequest</c> is two length-delimited
/// protobuf fields, far less than a code generator and its build step are worth. The response is not read: a put that
/// returns OK was applied after the Raft commit and the members' fsync, which is all the bench measures.
/// </summary>
internal static class EtcdPut
{
    /// <summary>protobuf field 1 (<c>key</c>), wire type 2 (length-delimited).</summary>
    private const byte KeyTag = 0x0A;

    /// <summary>protobuf field 2 (<c>value</c>), wire type 2.</summary>
    private const byte ValueTag = 0x12;

    private static readonly Marshaller<byte[]> Request = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    // The response is only checked for its status; keeping its bytes would cost an allocation per put for nothing.
    private static readonly Marshaller<byte[]> Response = Marshallers.Create<byte[]>(static bytes => bytes, static _ => []);

    public static readonly Method<byte[], byte[]> Method = new(MethodType.Unary, "etcdserverpb.KV", "Put", Request, Response);

    /// <summary>
    /// An encoded <c>PutRequest</c> that sets <paramref name="key"/> to a value of <paramref name="valueLength"/> bytes,
    /// left for the caller to write at <paramref name="valueOffset"/>: one allocation per put, the value made in place.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> key, int valueLength, out int valueOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueLength);
        var length = 1 + VarintLength((uint)key.Length) + key.Length + 1 + VarintLength((uint)valueLength) + valueLength;
        var buffer = new byte[length];
        var position = 0;
        buffer[position++] = KeyTag;
        position += WriteVarint(buffer.AsSpan(position), (uint)key.Length);
        key.CopyTo(buffer.AsSpan(position));
        position += key.Length;
        buffer[position++] = ValueTag;
        position += WriteVarint(buffer.AsSpan(position), (uint)valueLength);
        valueOffset = position;
        return buffer;
    }

    internal static int VarintLength(uint value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    internal static int WriteVarint(Span<byte> destination, uint value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }
}
