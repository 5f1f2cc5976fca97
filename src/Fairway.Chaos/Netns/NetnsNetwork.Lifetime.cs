namespace Fairway.Chaos.Netns;

public sealed partial class NetnsNetwork
{
    // Interface names carry the index, and 2 + count addresses must fit one /24.
    public const int MaxCount = 99;

    // Another process may take the same /24 between our look and our claim; each clash moves on to another.
    private const int SubnetAttempts = 8;

    /// <summary>Creates <paramref name="count"/> namespaces on one bridge; throws <see cref="InvalidOperationException"/> naming the failed command, having removed what it made.</summary>
    public static NetnsNetwork Create(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        StaleNetns.Remove();
        var network = new NetnsNetwork(NetnsNames.Next(), count);
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Removes the rules, namespaces, veths and bridge; best effort, never throws, and a no-op the second time.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            foreach (var rule in hostRules)
            {
                HostCommand.TryRun("iptables", rule.Arguments("-D"));
            }

            // Deleting the outer end deletes the pair even when a process left inside keeps the namespace alive.
            foreach (var veth in veths)
            {
                HostCommand.TryRun("ip", "link", "del", veth);
            }

            foreach (var name in namespaces)
            {
                HostCommand.TryRun("ip", "netns", "del", name);
            }

            if (bridgeMade)
            {
                HostCommand.TryRun("ip", "link", "del", names.Bridge);
            }
        }
    }

    private void Build()
    {
        HostCommand.Run("ip", "link", "add", names.Bridge, "type", "bridge");
        bridgeMade = true;
        ClaimSubnet();
        HostCommand.Run("ip", "link", "set", names.Bridge, "up");
        foreach (var rule in DropRule.HostAccept(names.Bridge, names.Comment))
        {
            HostCommand.Run("iptables", rule.Arguments("-I"));
            hostRules.Add(rule);
        }

        for (var i = 0; i < Count; i++)
        {
            var name = names.Namespace(i);
            HostCommand.Run("ip", "netns", "add", name);
            namespaces.Add(name);
            var veth = names.Veth(i);
            HostCommand.Run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", name);
            veths.Add(veth);
            HostCommand.Run("ip", "link", "set", veth, "master", names.Bridge, "up");
            HostCommand.Run("ip", "-n", name, "link", "set", "lo", "up");
            HostCommand.Run("ip", "-n", name, "addr", "add", $"{Address(i)}/{Subnet.PrefixLength}", "dev", "eth0");
            HostCommand.Run("ip", "-n", name, "link", "set", "eth0", "up");
        }
    }

    private void ClaimSubnet()
    {
        for (var attempt = 0; attempt < SubnetAttempts; attempt++)
        {
            var free = Subnet.Free(HostAddresses(), Random.Shared.Next(256)).Cast<int?>().FirstOrDefault()
                ?? throw new InvalidOperationException("no free /24 left in 10.213.0.0/16 for a namespace bridge (see `ip -o -4 addr`)");
            subnet = Subnet.Base(free);
            HostCommand.Run("ip", "addr", "add", $"{HostAddress}/{Subnet.PrefixLength}", "dev", names.Bridge);

            // Look again with our claim in place: if another interface took the same /24 meanwhile, one of us moves on.
            if (Subnet.Free(HostAddresses(), free, names.Bridge).FirstOrDefault(-1) == free)
            {
                return;
            }

            HostCommand.Run("ip", "addr", "del", $"{HostAddress}/{Subnet.PrefixLength}", "dev", names.Bridge);
        }

        throw new InvalidOperationException($"could not claim a /24 in 10.213.0.0/16 for {names.Bridge} after {SubnetAttempts} attempts");
    }

    private static IReadOnlyList<Subnet.HostAddress> HostAddresses() => Subnet.Parse(HostCommand.Run("ip", "-o", "-4", "addr"));
}
