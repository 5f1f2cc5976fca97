using System.Text.Json;

namespace Fairway.Settlement;

/// <summary>Names the contracts' custom errors from their 4-byte selectors, read from the ABIs this build ships.</summary>
public static class ContractErrors
{
    private static readonly Lazy<Dictionary<string, string>> BySelector = new(Build);

    public static string Name(string? revertData)
    {
        if (revertData is null || revertData.Length < 10)
        {
            return revertData ?? "no reason given";
        }

        var selector = revertData[..10].ToLowerInvariant();
        return BySelector.Value.TryGetValue(selector, out var name) ? name : $"error {selector}";
    }

    private static Dictionary<string, string> Build()
    {
        var result = new Dictionary<string, string>();
        foreach (var name in new[] { ContractArtifact.StakeTable, ContractArtifact.LightClient, ContractArtifact.Inbox })
        {
            using var abi = JsonDocument.Parse(ContractArtifact.Load(name).Abi);
            foreach (var item in abi.RootElement.EnumerateArray())
            {
                if (item.GetProperty("type").GetString() != "error")
                {
                    continue;
                }

                var types = string.Join(',', item.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("type").GetString()));
                var signature = $"{item.GetProperty("name").GetString()}({types})";
                var selector = "0x" + Convert.ToHexStringLower(SettlementDigests.Keccak(System.Text.Encoding.UTF8.GetBytes(signature)).AsSpan(0, 4));
                result.TryAdd(selector, signature);
            }
        }

        return result;
    }
}
