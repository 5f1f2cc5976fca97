using Fairway.Node.Setup;

namespace Fairway.Node.Tests;

public class FreePortsTests
{
    /// <summary>
    /// Ports for local networks come from below the ephemeral range, where no outgoing connection can take one between
    /// the check and the node's bind (the cause of a validator failing to start now and then in the process tests).
    /// </summary>
    [Fact]
    public void Every_port_of_a_block_lies_below_the_ephemeral_range_and_is_free()
    {
        var ephemeral = FreePorts.EphemeralPortsStart();
        for (var i = 0; i < 200; i++)
        {
            var basePort = FreePorts.BaseFor(16);
            Assert.InRange(basePort, 1024, ephemeral - 1);
            Assert.True(basePort + NetworkGenerator.ApiPortOffset + 16 <= ephemeral, $"block at {basePort} reaches the ephemeral range at {ephemeral}");
            Assert.True(FreePorts.IsFree(basePort));
        }
    }
}
