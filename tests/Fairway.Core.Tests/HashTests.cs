using Fairway.Core.Crypto;

namespace Fairway.Core.Tests;

public class HashTests
{
    [Fact]
    public void Hex_round_trips_and_is_lowercase()
    {
        var h = Hash.Compute("abc"u8);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h.ToHex());
        Assert.Equal(h, Hash.ParseHex(h.ToHex()));
    }
}
