using System.CommandLine;
using Fairway.Node.Keys;

namespace Fairway.Cli.Commands;

/// <summary>
/// <c>fairway keys generate --out DIR</c>: a new validator key, written 0600; only the public key is printed.
/// <c>fairway keys settlement --out FILE</c>: a new secp256k1 settlement key, written 0600; only its L1 address is printed.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "directory to write key.json into", Required = true };
        var generate = new Command("generate", "generate an Ed25519 validator key") { output };
        generate.SetAction(result =>
        {
            var path = Path.Combine(result.GetValue(output)!, "key.json");
            try
            {
                var signer = KeyFile.Generate(path);
                Console.WriteLine(signer.PublicKey.ToHex());
                return 0;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"fairway keys generate: {e.Message}");
                return 2;
            }
            catch (UnauthorizedAccessException e)
            {
                Console.Error.WriteLine($"fairway keys generate: {e.Message}");
                return 2;
            }
        });
        var settlementOut = new Option<string>("--out") { Description = "settlement key file to create (refused if it exists)", Required = true };
        var settlement = new Command("settlement", "generate a secp256k1 settlement key (it signs for the L1 and its account pays); prints its address") { settlementOut };
        settlement.SetAction(result =>
        {
            try
            {
                Console.WriteLine(SettlementKeyFile.Generate(result.GetValue(settlementOut)!).Address);
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fairway keys settlement: {e.Message}");
                return 2;
            }
        });
        return new Command("keys", "validator key tools") { generate, settlement };
    }
}
