namespace Fairway.Core.Chain;

/// <summary>
/// The label an encrypted-lane ciphertext must carry: it names the namespace, and the ciphertext's proof binds it, so a
/// ciphertext copied into another namespace is refused on submission and never decrypted there.
/// </summary>
public static class EncryptionLabel
{
    public static byte[] Of(ulong @namespace) => System.Text.Encoding.ASCII.GetBytes($"fairway/ns/{@namespace}");
}
