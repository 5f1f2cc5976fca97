using Fairway.Core.Chain;
using Fairway.Core.Encoding;
using Fairway.Core.Output;

namespace Fairway.Core.Tests;

public class BundleTests
{
    private static Transaction Tx(ulong ns, string payload) => new(ns, System.Text.Encoding.UTF8.GetBytes(payload));

    [Fact]
    public void A_bundle_opens_from_its_carrier_to_the_same_legs_and_each_legs_encoding_sits_whole_inside_the_carriers()
    {
        var bundle = Bundle.Create([Tx(3, "first"), Tx(1, "second, longer"), Tx(3, "")]);
        var opened = Bundle.TryOpen(bundle.Carrier)!;

        Assert.Equal(bundle.Legs, opened.Legs);
        Assert.Equal(bundle.Hash, Bundle.Create([Tx(3, "first"), Tx(1, "second, longer"), Tx(3, "")]).Hash);
        Assert.NotEqual(bundle.Hash, Bundle.Create([Tx(1, "second, longer"), Tx(3, "first"), Tx(3, "")]).Hash);
        var carrier = Canonical.Encode(bundle.Carrier);
        for (var k = 0; k < bundle.Legs.Count; k++)
        {
            var leg = Canonical.Encode(bundle.Legs[k]);
            Assert.Equal(leg, carrier.AsSpan(opened.LegOffsetInCarrier(k), leg.Length).ToArray());
        }
    }

    [Fact]
    public void Legs_that_break_a_rule_are_not_a_bundle_and_a_carrier_that_does_is_not_opened()
    {
        Assert.Equal("empty_bundle", Bundle.Check([])!.Code);
        Assert.Equal("too_many_legs", Bundle.Check([.. Enumerable.Range(0, Bundle.LegsMax + 1).Select(i => Tx(1, $"{i}"))])!.Code);
        Assert.Equal("duplicate_leg", Bundle.Check([Tx(1, "a"), Tx(2, "b"), Tx(1, "a")])!.Code);
        Assert.Equal("reserved_namespace", Bundle.Check([Tx(SystemNamespaces.Dkg, "a")])!.Code);
        Assert.Null(Bundle.Check([Tx(1, "a"), Tx(2, "a")]));
        Assert.Throws<ArgumentException>(() => Bundle.Create([Tx(1, "a"), Tx(1, "a")]));
        Assert.Throws<ArgumentException>(() => Bundle.Create([new Transaction(1, new byte[Limits.TransactionPayloadBytesMax])]));

        Assert.Null(Bundle.TryOpen(Tx(1, "not a carrier")));
        Assert.Null(Bundle.TryOpen(new Transaction(SystemNamespaces.Bundle, new byte[] { 1, 0, 0, 0, 0 })));
        var trailing = Bundle.Create([Tx(1, "a")]).Carrier.Payload.ToArray().Append((byte)0).ToArray();
        Assert.Null(Bundle.TryOpen(new Transaction(SystemNamespaces.Bundle, trailing)));
    }

    [Fact]
    public void Sources_naming_legs_survive_the_stored_layout_and_out_of_range_legs_are_refused()
    {
        OutputSource[] sources = [new(0, 5), new(3, 19_999) { Leg = 15 }, new(1, 0) { Leg = 0 }];

        Assert.Equal(sources, BlockOutput.DecodeSources(BlockOutput.EncodeSources(sources)));
        var tooFar = BlockOutput.EncodeSources([new OutputSource(0, 0) { Leg = Bundle.LegsMax }]);
        Assert.Throws<EncodingException>(() => BlockOutput.DecodeSources(tooFar));
    }
}
