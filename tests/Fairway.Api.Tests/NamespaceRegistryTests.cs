using System.Net;
using System.Text.Json.Nodes;
using Fairway.Client;

namespace Fairway.Api.Tests;

/// <summary>The namespace registry a real node serves from its genesis, and the SDK's reading of it.</summary>
public sealed class NamespaceRegistryTests(SqliteNodeFixture node) : IClassFixture<SqliteNodeFixture>
{
    [Fact]
    public async Task The_registry_lists_the_declared_namespaces_the_default_policy_and_every_known_policy()
    {
        var json = JsonNode.Parse(await node.Http.GetStringAsync(new Uri(node.BaseUrl, "/v1/namespaces")))!;

        Assert.Equal("fcfs", json["default_policy"]!.GetValue<string>());
        var declared = json["namespaces"]!.AsArray();
        Assert.Contains(declared, d => d!["id"]!.GetValue<ulong>() == 1 && d["policy"]!.GetValue<string>() == "fcfs" && d["name"]!.GetValue<string>() == "demo-fcfs");
        Assert.All(declared, d => Assert.True(d!["declared"]!.GetValue<bool>()));
        Assert.Contains(json["policies"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fcfs" && p["description"]!.GetValue<string>().Length > 0);
    }

    [Fact]
    public async Task Any_namespace_has_a_policy_declared_or_the_default()
    {
        using var client = node.Client();

        var declared = await client.GetNamespaceAsync(1);
        var other = await client.GetNamespaceAsync(ulong.MaxValue);

        Assert.Equal(("demo-fcfs", "fcfs", true), (declared.Name, declared.Policy, declared.Declared));
        Assert.Equal((null, "fcfs", false), (other.Name, other.Policy, other.Declared));
    }

    [Fact]
    public async Task A_bad_namespace_id_is_refused()
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUrl, "/v1/namespaces/minus-one"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bad_namespace", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdk_refuses_a_node_whose_policy_disagrees_with_the_trusted_genesis()
    {
        // The client trusts a genesis that declares namespace 1 under another policy than the node serves.
        var trust = node.Trust with { DeclaredPolicies = new Dictionary<ulong, string> { [1] = "fair" } };
        using var client = new FairwayClient(node.BaseUrl, trust);

        var e = await Assert.ThrowsAsync<VerificationException>(() => client.GetNamespaceAsync(1));
        Assert.Contains("genesis says \"fair\"", e.Message, StringComparison.Ordinal);
        Assert.Equal("fcfs", node.Trust.PolicyOf(1));
    }
}
