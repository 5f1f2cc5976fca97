using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Settlement.Tests;

/// Fairway output headers for light-client tests: real canonical encodings (the bytes `submitHeader` takes) with
/// made-up fields, and their SHA-256, the output hash a statement signs.
static class OutputHeaders
{
    /// A version 1 header (no inbox commitment), its fields derived from `seed`.
    public static (byte[] Header, byte[] Output) V1(string seed, ulong height = 1) => Of(Make(seed, height, null));

    /// A version 2 header committing to inbox index `inboxIndex` at L1 block `l1Block`.
    public static (byte[] Header, byte[] Output) V2(string seed, ulong inboxIndex, ulong l1Block, ulong height = 1, bool full = false) =>
        Of(Make(seed, height, new OutputInbox(inboxIndex, l1Block, full)));

    static OutputHeader Make(string seed, ulong height, OutputInbox? inbox)
    {
        Hash Field(string name) => Hash.Compute(System.Text.Encoding.UTF8.GetBytes(seed + "/" + name));
        return new OutputHeader(Field("chain"), height, Field("block"), Field("previous"), 3, Field("root"), inbox);
    }

    static (byte[] Header, byte[] Output) Of(OutputHeader header)
    {
        var bytes = Canonical.Encode(header);
        return (bytes, header.Hash.ToArray());
    }
}
