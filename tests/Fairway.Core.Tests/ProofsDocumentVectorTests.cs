using Fairway.Core.Chain;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Core.Output;
using Fairway.Core.Proofs;

namespace Fairway.Core.Tests;

/// <summary>
/// The worked example of docs/PROOFS.md, byte for byte: an independent verifier written from that page can check
/// itself against these values, and this test keeps the page true.
/// </summary>
public class ProofsDocumentVectorTests
{
    private static readonly Transaction A = new(1, "a"u8.ToArray());
    private static readonly Transaction B = new(2, "b"u8.ToArray());
    private static readonly Transaction C = new(2, "c"u8.ToArray());

    private static OutputHeader Header() =>
        OutputHeader.Over(Hash.Compute("fairway-doc-example"u8), 1, Hash.Compute("block"u8), Hash.Zero, [A, B, C]);

    [Fact]
    public void The_documented_example_values_hold()
    {
        var output = new BlockOutput(Header(), [A, B, C], [new(0, 0), new(0, 1), new(0, 2)]);
        var proof = new OutputProofBuilder(output).ForNamespace(2);

        Assert.Equal("0101000000000000000100000061", Convert.ToHexStringLower(Canonical.Encode(A)));
        Assert.Equal(Expected["tx a"], A.Hash.ToHex());
        Assert.Equal(Expected["output root"], output.Header.OutputRoot.ToHex());
        Assert.Equal(Expected["output header"], Convert.ToHexStringLower(Canonical.Encode(output.Header)));
        Assert.Equal(Expected["output header hash"], output.Header.Hash.ToHex());
        Assert.Equal(Expected["namespace 2 proof"], Convert.ToHexStringLower(Canonical.Encode(proof)));
        Assert.Equal(Expected["output signing message"], Convert.ToHexStringLower(SigningDomain.OutputMessage(output.Header.ChainId, 1, output.Header.Hash)));
        Assert.True(proof.Verify(output.Header, 2, [B, C]));
    }

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["tx a"] = "2f7f9b6ea53eee561f439aef015a025208c87646e333d092cd80a3c3601e4720",
        ["output root"] = "3211f38c44178ddc8eaf1823a43d5523f58b429c755e78a9a313e003c4eeaa66",
        ["output header"] = "01161a3e3e142cfd6bc83b6a45496b3fcdc2497fcca4c8f65198c8df38fe4e06e90100000000000000496aca80e4d8f29fb8e8cd816c3afb48d3f103970b3a2ee1600c08ca67326dee0000000000000000000000000000000000000000000000000000000000000000030000003211f38c44178ddc8eaf1823a43d5523f58b429c755e78a9a313e003c4eeaa66",
        ["output header hash"] = "80fced6e01d0e6e3a21cc6ff1f95d3609231edaf09562d25e4aa761947d5fee7",
        ["namespace 2 proof"] = "020200000000000000010300000001000000030000000100000001000000000000000100000000000000efa096525336c835600aabd991c33dedbfba1e92c3b94b976395d5c3528b51bedcde2d8078a4e3bb5cc68cc14581d39f9b80dddf1b002511e3e877cccdb5744b4135de7519ef5cb2cf1ef62bcef4166a9376a89b42c6db63dccd7336f6e3aaf9",
        ["output signing message"] = "464149525741592d5349472d7631000007161a3e3e142cfd6bc83b6a45496b3fcdc2497fcca4c8f65198c8df38fe4e06e9010000000000000080fced6e01d0e6e3a21cc6ff1f95d3609231edaf09562d25e4aa761947d5fee7",
    };
}
