using Fairway.Core.Chain;
using Fairway.Crypto.Threshold;
using Fairway.Ordering.Encrypted;
using Microsoft.AspNetCore.Http;

namespace Fairway.Api;

/// <summary>
/// What a validator checks of a transaction for an encrypted namespace, on every submit path: that its payload is a
/// well-formed ciphertext to the chain's current key set, labelled for this namespace. It cannot check more (it cannot
/// read it), and it must not accept less: a ciphertext copied from another namespace, to another key, or mauled is
/// refused here and nothing is stored.
/// </summary>
internal static class EncryptedSubmission
{
    /// <summary>Null when the payload may be ordered in <paramref name="namespace"/>; otherwise the HTTP status, code and message.</summary>
    public static (int Status, string Code, string Message)? Check(IValidatorApi node, ulong @namespace, ReadOnlySpan<byte> payload)
    {
        if (!node.Namespaces.IsEncrypted(@namespace))
        {
            return null;
        }

        if (node.EncryptionKey.Key is not { } keySet)
        {
            // A state of the chain, not a fault of the node: 409, as for any request that conflicts with the current state.
            return (StatusCodes.Status409Conflict, "key_not_ready",
                $"namespace {@namespace} is encrypted and the chain's key is {node.EncryptionKey.State}; see GET /v1/node/encryption-key");
        }

        if (ThresholdCiphertext.TryDecode(payload) is not { } ciphertext)
        {
            return (StatusCodes.Status400BadRequest, "malformed_ciphertext",
                $"namespace {@namespace} is encrypted: the payload must be a threshold ciphertext (see POST /v1/submit/encrypted)");
        }

        if (ciphertext.KeySetId != keySet.Id)
        {
            return (StatusCodes.Status400BadRequest, "wrong_key_set",
                $"the ciphertext is for key set {ciphertext.KeySetId.ToHex()[..16]}, the chain's is {keySet.Id.ToHex()[..16]}");
        }

        var label = EncryptionLabel.Of(@namespace);
        if (!ciphertext.Label.SequenceEqual(label))
        {
            return (StatusCodes.Status400BadRequest, "wrong_label",
                $"the ciphertext is labelled for another namespace; namespace {@namespace} takes the label \"fairway/ns/{@namespace}\"");
        }

        return ThresholdEncryption.Check(keySet, ciphertext, label) is { } why
            ? (StatusCodes.Status400BadRequest, "invalid_ciphertext", $"the ciphertext does not verify: {why}")
            : null;
    }
}
