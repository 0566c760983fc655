using System.Net;
using System.Net.Sockets;

namespace Latchkey.Webhooks;

/// <summary>
/// Which addresses a delivery may connect to. A webhook URL is chosen by a developer, not the operator, so without this
/// it would be a way into the operator's own network (server-side request forgery): loopback, private ranges, and the
/// link-local range where cloud metadata services answer (169.254.169.254, fd00:ec2::254 is unique-local). Checked on the
/// address actually connected to (<see cref="WebhookHttp"/>), so a name that resolves differently later (DNS rebinding)
/// gains nothing.
/// </summary>
public static class WebhookAddressPolicy
{
    public static string? Refusal(IPAddress address, WebhookOptions options)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address))
        {
            return options.AllowLoopback ? null : "a loopback address";
        }
        return Classify(address) switch
        {
            Range.Public => null,
            Range.Private => options.AllowPrivateNetworks ? null : "a private-network address",
            Range.LinkLocal => "a link-local address (where cloud metadata services answer)",
            _ => "an address that is not a unicast internet address",
        };
    }

    private enum Range
    {
        Public,
        Private,
        LinkLocal,
        Special,
    }

    private static Range Classify(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return b switch
            {
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] or [100, >= 64 and <= 127, ..] => Range.Private,
                [169, 254, ..] => Range.LinkLocal,
                // 0/8 "this network", 192.0.0/24 protocol assignments, 198.18/15 benchmarking, 224/4 multicast, 240/4 reserved.
                [0, ..] or [192, 0, 0, _] or [198, 18 or 19, ..] or [>= 224, ..] => Range.Special,
                _ => Range.Public,
            };
        }
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return Range.LinkLocal;
        }
        if (address.IsIPv6UniqueLocal)
        {
            return Range.Private;
        }
        // Addresses that carry an IPv4 address (NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by it.
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
        {
            return Classify(new IPAddress(b[12..]));
        }
        if (b is [0x20, 0x02, ..])
        {
            return Classify(new IPAddress(b[2..6]));
        }
        return address.IsIPv6Multicast || address.Equals(IPAddress.IPv6Any) || b[0] == 0 ? Range.Special : Range.Public;
    }
}
