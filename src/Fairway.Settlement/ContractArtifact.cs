using System.Text.Json;

namespace Fairway.Settlement;

/// <summary>A compiled contract (ABI and deployment bytecode) from contracts/build, embedded in this assembly.</summary>
public sealed record ContractArtifact(string Name, string Abi, string Bytecode)
{
    public const string StakeTable = "FairwayStakeTable";
    public const string LightClient = "FairwayLightClient";
    public const string Inbox = "FairwayInbox";

    private static readonly Dictionary<string, ContractArtifact> Cache = [];
    private static readonly Lock Gate = new();

    public static ContractArtifact Load(string name)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue(name, out var cached))
            {
                return cached;
            }

            using var stream = typeof(ContractArtifact).Assembly.GetManifestResourceStream($"contracts/{name}.json")
                ?? throw new InvalidOperationException($"no compiled contract {name} in this build (contracts/build/{name}.json)");
            using var doc = JsonDocument.Parse(stream);
            var artifact = new ContractArtifact(
                name,
                doc.RootElement.GetProperty("abi").GetRawText(),
                doc.RootElement.GetProperty("bytecode").GetString() ?? throw new InvalidOperationException($"{name}: no bytecode"));
            Cache[name] = artifact;
            return artifact;
        }
    }
}
