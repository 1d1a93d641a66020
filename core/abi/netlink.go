package abi

// Netlink and rtnetlink, from include/uapi/linux/netlink.h, rtnetlink.h,
// if_link.h, if_addr.h, if_arp.h, if.h, route.h, sockios.h and if_ether.h,
// as x86-64 Linux lays them out.
const (
	// Netlink protocols (socket(AF_NETLINK, type, proto)).
	NETLINK_ROUTE     = 0
	NETLINK_MAX_LINKS = 32

	// Netlink socket options (SOL_NETLINK).
	SOL_NETLINK              = 270
	NETLINK_ADD_MEMBERSHIP   = 1
	NETLINK_DROP_MEMBERSHIP  = 2
	NETLINK_PKTINFO          = 3
	NETLINK_BROADCAST_ERROR  = 4
	NETLINK_NO_ENOBUFS       = 5
	NETLINK_LISTEN_ALL_NSID  = 8
	NETLINK_LIST_MEMBERSHIPS = 9
	NETLINK_CAP_ACK          = 10
	NETLINK_EXT_ACK          = 11
	NETLINK_GET_STRICT_CHK   = 12
	SockaddrNlSize           = 12
	NlmsghdrSize             = 16
	NlmsgerrSize             = 4 + NlmsghdrSize // int error + the request's header
	RtattrSize               = 4
	NLMSG_ALIGNTO            = 4
	NLMSG_NOOP               = 0x1
	NLMSG_ERROR              = 0x2
	NLMSG_DONE               = 0x3
	NLMSG_OVERRUN            = 0x4
	NLMSG_MIN_TYPE           = 0x10
	NLM_F_REQUEST            = 0x1
	NLM_F_MULTI              = 0x2
	NLM_F_ACK                = 0x4
	NLM_F_ECHO               = 0x8
	NLM_F_DUMP_INTR          = 0x10
	NLM_F_ROOT               = 0x100
	NLM_F_MATCH              = 0x200
	NLM_F_ATOMIC             = 0x400
	NLM_F_DUMP               = NLM_F_ROOT | NLM_F_MATCH
	NLM_F_CAPPED             = 0x100
	NLM_F_ACK_TLVS           = 0x200
	IfinfomsgSize            = 16
	IfaddrmsgSize            = 8
	RtmsgSize                = 12
	RtgenmsgSize             = 1
	RtnlLinkStatsSize        = 24 * 4
	RtnlLinkStats64Size      = 24 * 8
	RtnlLinkIfmapSize        = 32
	IfaCacheinfoSize         = 16
	RtaCacheinfoSize         = 32
	IFA_F_SECONDARY          = 0x01
	IFA_F_NODAD              = 0x02
	IFA_F_PERMANENT          = 0x80
	RTM_BASE                 = 16
	RTM_NEWLINK              = 16
	RTM_DELLINK              = 17
	RTM_GETLINK              = 18
	RTM_SETLINK              = 19
	RTM_NEWADDR              = 20
	RTM_DELADDR              = 21
	RTM_GETADDR              = 22
	RTM_NEWROUTE             = 24
	RTM_DELROUTE             = 25
	RTM_GETROUTE             = 26
	RTM_NEWNEIGH             = 28
	RTM_GETNEIGH             = 30
	RTM_NEWRULE              = 32
	RTM_GETRULE              = 34
	RTM_MAX                  = 123 // Linux 6.x: ((__RTM_MAX + 3) & ~3) - 1
	IFLA_ADDRESS             = 1
	IFLA_BROADCAST           = 2
	IFLA_IFNAME              = 3
	IFLA_MTU                 = 4
	IFLA_LINK                = 5
	IFLA_QDISC               = 6
	IFLA_STATS               = 7
	IFLA_TXQLEN              = 13
	IFLA_MAP                 = 14
	IFLA_OPERSTATE           = 16
	IFLA_LINKMODE            = 17
	IFLA_STATS64             = 23
	IFLA_GROUP               = 27
	IFLA_EXT_MASK            = 29
	IFLA_PROMISCUITY         = 30
	IFLA_NUM_TX_QUEUES       = 31
	IFLA_NUM_RX_QUEUES       = 32
	IFLA_CARRIER             = 33
	IFLA_MIN_MTU             = 50
	IFLA_MAX_MTU             = 51
	IF_OPER_UNKNOWN          = 0
	IF_OPER_DOWN             = 2
	IF_OPER_UP               = 6
	IFA_ADDRESS              = 1
	IFA_LOCAL                = 2
	IFA_LABEL                = 3
	IFA_BROADCAST            = 4
	IFA_CACHEINFO            = 6
	IFA_FLAGS                = 8
	RTA_DST                  = 1
	RTA_SRC                  = 2
	RTA_IIF                  = 3
	RTA_OIF                  = 4
	RTA_GATEWAY              = 5
	RTA_PRIORITY             = 6
	RTA_PREFSRC              = 7
	RTA_CACHEINFO            = 12
	RTA_TABLE                = 15
	RTA_PREF                 = 20
	RTN_UNSPEC               = 0
	RTN_UNICAST              = 1
	RTN_LOCAL                = 2
	RTN_BROADCAST            = 3
	RTN_ANYCAST              = 4
	RTN_MULTICAST            = 5
	RTN_UNREACHABLE          = 7
	RTN_PROHIBIT             = 10
	RTPROT_UNSPEC            = 0
	RTPROT_KERNEL            = 2
	RTPROT_BOOT              = 3
	RT_SCOPE_UNIVERSE        = 0
	RT_SCOPE_SITE            = 200
	RT_SCOPE_LINK            = 253
	RT_SCOPE_HOST            = 254
	RT_SCOPE_NOWHERE         = 255
	RT_TABLE_UNSPEC          = 0
	RT_TABLE_COMPAT          = 252
	RT_TABLE_MAIN            = 254
	RT_TABLE_LOCAL           = 255
	RTM_F_CLONED             = 0x200
	RTF_UP                   = 0x1
	RTF_GATEWAY              = 0x2
	RTF_HOST                 = 0x4
	RTF_REJECT               = 0x200
)

// Interface flags (net/if.h, IFF_*).
const (
	IFF_UP          = 0x1
	IFF_BROADCAST   = 0x2
	IFF_DEBUG       = 0x4
	IFF_LOOPBACK    = 0x8
	IFF_POINTOPOINT = 0x10
	IFF_NOTRAILERS  = 0x20
	IFF_RUNNING     = 0x40
	IFF_NOARP       = 0x80
	IFF_PROMISC     = 0x100
	IFF_ALLMULTI    = 0x200
	IFF_MULTICAST   = 0x1000
	IFF_LOWER_UP    = 0x10000
	IFF_DORMANT     = 0x20000

	IFNAMSIZ = 16

	ARPHRD_ETHER    = 1
	ARPHRD_LOOPBACK = 772
	ARPHRD_NONE     = 0xfffe
)

// Socket ioctls (sockios.h) and the structures they pass.
const (
	SIOCINQ            = FIONREAD
	SIOCOUTQ           = 0x5411
	SIOCADDRT          = 0x890B
	SIOCDELRT          = 0x890C
	SIOCGIFNAME        = 0x8910
	SIOCSIFLINK        = 0x8911
	SIOCGIFCONF        = 0x8912
	SIOCGIFFLAGS       = 0x8913
	SIOCSIFFLAGS       = 0x8914
	SIOCGIFADDR        = 0x8915
	SIOCSIFADDR        = 0x8916
	SIOCGIFDSTADDR     = 0x8917
	SIOCSIFDSTADDR     = 0x8918
	SIOCGIFBRDADDR     = 0x8919
	SIOCSIFBRDADDR     = 0x891a
	SIOCGIFNETMASK     = 0x891b
	SIOCSIFNETMASK     = 0x891c
	SIOCGIFMETRIC      = 0x891d
	SIOCSIFMETRIC      = 0x891e
	SIOCGIFMTU         = 0x8921
	SIOCSIFMTU         = 0x8922
	SIOCSIFNAME        = 0x8923
	SIOCSIFHWADDR      = 0x8924
	SIOCGIFHWADDR      = 0x8927
	SIOCADDMULTI       = 0x8931
	SIOCDELMULTI       = 0x8932
	SIOCGIFINDEX       = 0x8933
	SIOCSIFPFLAGS      = 0x8934
	SIOCDIFADDR        = 0x8936
	SIOCSIFHWBROADCAST = 0x8937
	SIOCGIFTXQLEN      = 0x8942
	SIOCSIFTXQLEN      = 0x8943
	SIOCGIFMAP         = 0x8970
	SIOCSIFMAP         = 0x8971

	IfreqSize  = 40 // ifr_name[16] + a 24-byte union
	IfconfSize = 16 // int ifc_len, padding, ifc_buf pointer
)

// The flag bits of a netlink attribute's type, and the type without them.
const (
	NLA_F_NESTED        = 1 << 15
	NLA_F_NET_BYTEORDER = 1 << 14
	NLA_TYPE_MASK       = (NLA_F_NESTED - 1) &^ NLA_F_NET_BYTEORDER
)

// Policy routing rules (include/uapi/linux/fib_rules.h): struct
// fib_rule_hdr is family, dst_len, src_len, tos, table, two reserved
// bytes, action, then a u32 of flags.
const (
	FibRuleHdrSize = 12

	FRA_DST                = 1
	FRA_SRC                = 2
	FRA_IIFNAME            = 3
	FRA_GOTO               = 4
	FRA_PRIORITY           = 6
	FRA_FWMARK             = 10
	FRA_FLOW               = 11
	FRA_TUN_ID             = 12
	FRA_SUPPRESS_IFGROUP   = 13
	FRA_SUPPRESS_PREFIXLEN = 14
	FRA_TABLE              = 15
	FRA_FWMASK             = 16
	FRA_OIFNAME            = 17
	FRA_L3MDEV             = 19
	FRA_UID_RANGE          = 20
	FRA_PROTOCOL           = 21
	FRA_IP_PROTO           = 22
	FRA_SPORT_RANGE        = 23
	FRA_DPORT_RANGE        = 24

	FR_ACT_TO_TBL = 1

	RT_TABLE_DEFAULT = 253
)

// Neighbours (include/uapi/linux/neighbour.h): struct ndmsg is family, two
// pad bytes and a pad u16, ifindex (s32), state (u16), flags and type.
const (
	NdmsgSize = 12

	NDA_DST          = 1
	NDA_LLADDR       = 2
	NDA_CACHEINFO    = 3
	NDA_PROBES       = 4
	NDA_VLAN         = 5
	NDA_PORT         = 6
	NDA_VNI          = 7
	NDA_IFINDEX      = 8
	NDA_MASTER       = 9
	NDA_LINK_NETNSID = 10
	NDA_SRC_VNI      = 11
	NDA_PROTOCOL     = 12
	NDA_NH_ID        = 13
	NDA_FLAGS_EXT    = 15
)
