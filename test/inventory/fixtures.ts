/**
 * Hand-written host-state fixtures for formats with no licensed real sample (hns-model.md "Gaps"). They describe
 * one consistent host: a docker "try-nat" network with container "wcow1", its HNS endpoint, the host vNIC
 * "vEthernet (try-nat)", a physical "Ethernet", an HCN v2 NAT network for a CNI pod, and the matching vSwitch ports.
 * Shapes follow the real outputs (field names from hcsshim/moby/PowerShell); values are invented.
 */

export const WCOW1_ID = "f82c3ec1d0fe590b5c1d1e0b4bd0b8a8e3f7c2a1d5e6f708192a3b4c5d6e7f80";
export const WCOW1_DOCKER_EP = "6b1f0e3c9d2a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
export const TRYNAT_DOCKER_ID = "3e9d5c7b1a2f4e6d8c0b9a7f5e3d1c2b4a6f8e0d2c4b6a8f0e2d4c6b8a0f2e4d";
export const TRYNAT_HNS_ID = "a3c5e7f9-1b2d-4f6a-8c0e-2b4d6f8a0c1e";
export const WCOW1_EP_ID = "6c50381c-7d2e-4a1b-9c3d-5e6f7a8b9c0d";
export const WCOW1_PORT = "5aa3ffac-ab7f-41da-bd02-a4404fca9241";
export const HOST_PORT = "4fd72ab0-2c35-4ae7-ac9a-f893495bd5ef";
export const SWITCH_ID = "d2fd9981-cb99-4866-9548-81f4adef178c";
export const K8S_NET_ID = "0b7e6f1c-2d3a-4b5c-8d9e-0f1a2b3c4d5e";
export const POD_EP_ID = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f";
export const REMOTE_EP_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
export const POD_CONTAINER = "c0ffee00aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff";

/** `docker inspect wcow1` (Windows, process isolation). */
export const DOCKER_INSPECT = JSON.stringify(
  [
    {
      Id: WCOW1_ID,
      Created: "2024-11-22T14:40:00.0000000Z",
      Name: "/wcow1",
      State: { Status: "running", Running: true, Pid: 4242 },
      HostConfig: { Isolation: "process", NetworkMode: "try-nat", PortBindings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] } },
      Config: { Hostname: "f82c3ec1d0fe", Image: "mcr.microsoft.com/windows/nanoserver:ltsc2022" },
      NetworkSettings: {
        Bridge: "",
        Ports: { "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }] },
        Networks: {
          "try-nat": {
            IPAMConfig: null,
            Aliases: null,
            NetworkID: TRYNAT_DOCKER_ID,
            EndpointID: WCOW1_DOCKER_EP,
            Gateway: "172.30.16.1",
            IPAddress: "172.30.16.5",
            IPPrefixLen: 20,
            IPv6Gateway: "",
            GlobalIPv6Address: "",
            GlobalIPv6PrefixLen: 0,
            MacAddress: "00:15:5d:a1:b2:c3",
            DriverOpts: null,
          },
        },
      },
    },
  ],
  null,
  4,
);

/** `docker network inspect try-nat`. */
export const DOCKER_NETWORK_INSPECT = JSON.stringify(
  [
    {
      Name: "try-nat",
      Id: TRYNAT_DOCKER_ID,
      Created: "2024-11-22T14:39:00.0000000Z",
      Scope: "local",
      Driver: "nat",
      EnableIPv6: false,
      IPAM: { Driver: "windows", Options: null, Config: [{ Subnet: "172.30.16.0/20", Gateway: "172.30.16.1" }] },
      Internal: false,
      Attachable: false,
      Containers: {
        [WCOW1_ID]: { Name: "wcow1", EndpointID: WCOW1_DOCKER_EP, MacAddress: "00:15:5d:a1:b2:c3", IPv4Address: "172.30.16.5/20", IPv6Address: "" },
      },
      Options: { "com.docker.network.windowsshim.hnsid": TRYNAT_HNS_ID.toUpperCase(), "com.docker.network.windowsshim.networkname": "try-nat" },
      Labels: {},
    },
  ],
  null,
  4,
);

/** `Get-HnsNetwork | ConvertTo-Json -Depth 20` (v1): an array, upper-case GUIDs, extra keys HNS adds. */
export const HNS_NETWORKS_V1 = JSON.stringify(
  [
    {
      ActivityId: "19C8DEBE-0BA9-4C37-A3FF-DE1FBF03B288",
      AdditionalParams: {},
      CurrentEndpointCount: 1,
      Extensions: [{ Id: "E7C3B2F0-F3C5-48DF-AF2B-10FED6D72E7A", IsEnabled: false, Name: "Microsoft Windows Filtering Platform" }],
      Flags: 0,
      Health: { LastErrorCode: 0, LastUpdateTime: 133768224000000000 },
      ID: TRYNAT_HNS_ID.toUpperCase(),
      IPv6: false,
      LayeredOn: "",
      MacPools: [{ EndMacAddress: "00-15-5D-A1-BF-FF", StartMacAddress: "00-15-5D-A1-B0-00" }],
      MaxConcurrentEndpoints: 1,
      Name: "try-nat",
      NatName: "NATA3C5E7F9-1B2D-4F6A-8C0E-2B4D6F8A0C1E",
      Policies: [],
      Resources: {
        AllocationOrder: 2,
        Allocators: [
          { AdapterNetCfgInstanceId: "{8A5C7E2F-0D2B-4E6B-9F3A-3B0C2E1D4F5A}", MacAddress: "00-15-5D-11-22-33", SwitchId: SWITCH_ID.toUpperCase(), Tag: "Host Vnic", Type: 0 },
          { SwitchId: SWITCH_ID.toUpperCase(), Tag: "Switch", Type: 1 },
        ],
        ID: "19C8DEBE-0BA9-4C37-A3FF-DE1FBF03B288",
      },
      State: 1,
      Subnets: [{ AddressPrefix: "172.30.16.0/20", GatewayAddress: "172.30.16.1", ID: "F3B1C2D4-0000-4000-8000-000000000001", Policies: [], State: 0 }],
      TotalEndpoints: 1,
      Type: "nat",
      Version: 64424509440,
      SomeFutureField: { Nested: [1, 2, 3] },
    },
  ],
  null,
  2,
);

/**
 * `Get-HnsEndpoint | ConvertTo-Json` for ONE endpoint: PowerShell writes a single object, not an array, and a
 * nested object beyond -Depth becomes an "@{…}" string (here Namespace).
 */
export const HNS_ENDPOINT_V1_SINGLE = JSON.stringify(
  {
    ActivityId: "AB12CD34-0000-4000-8000-000000000002",
    CreateProcessingStartTime: 133768224000000000,
    DNSServerList: "172.30.16.1",
    EncapOverhead: 0,
    GatewayAddress: "172.30.16.1",
    Health: { LastErrorCode: 0, LastUpdateTime: 133768224000000000 },
    ID: WCOW1_EP_ID.toUpperCase(),
    IPAddress: "172.30.16.5",
    MacAddress: "00-15-5D-A1-B2-C3",
    Name: WCOW1_DOCKER_EP,
    Namespace: "@{ID=7E5D3C1B-9A8F-4E6D-8C4B-2A0F1E3D5C7B; CompartmentId=4}",
    Policies: [
      { ExternalPort: 8080, InternalPort: 80, Protocol: "TCP", Type: "NAT" },
      { Action: "Allow", Direction: "In", Id: "ACL-1", Priority: 100, Protocols: "6", RemoteAddresses: "10.0.0.0/8", RuleType: "Switch", Type: "ACL" },
      { Type: "L2Driver" },
    ],
    PrefixLength: 20,
    Resources: { Allocators: [{ EndpointPortGuid: WCOW1_PORT.toUpperCase(), SwitchId: SWITCH_ID.toUpperCase(), Tag: "Endpoint Port", Type: 1 }] },
    SharedContainers: [WCOW1_ID],
    State: 2,
    Type: "nat",
    Version: 64424509440,
    VirtualNetwork: TRYNAT_HNS_ID.toUpperCase(),
    VirtualNetworkName: "try-nat",
  },
  null,
  2,
);

/** HCN v2 networks: the NAT network has no "Type" (HNS omits the zero enum value). */
export const HCN_NETWORKS = JSON.stringify(
  [
    {
      ID: K8S_NET_ID,
      Name: "k8s-nat",
      Ipams: [{ Type: "Static", Subnets: [{ IpAddressPrefix: "10.88.0.0/16", Routes: [{ NextHop: "10.88.0.1", DestinationPrefix: "0.0.0.0/0" }] }] }],
      MacPool: { Ranges: [{ StartMacAddress: "00-15-5D-52-C0-00", EndMacAddress: "00-15-5D-52-CF-FF" }] },
      Dns: { ServerList: ["10.88.0.1"] },
      Policies: [{ Type: "NetAdapterName", Settings: { NetworkAdapterName: "Ethernet" } }],
      Flags: 8,
      Health: { Extra: { Resources: {} } },
      SchemaVersion: { Major: 2, Minor: 0 },
      NewInSomeBuild: true,
    },
    {
      ID: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
      Name: "vxlan0",
      Type: "Overlay",
      Ipams: [{ Type: "Static", Subnets: [{ IpAddressPrefix: "10.244.1.0/24", Policies: [{ Type: "VSID", Settings: { IsolationId: 4096 } }] }] }],
      Policies: [
        { Type: "DrMacAddress", Settings: { Address: "00-15-5D-7B-82-55" } },
        { Type: "VxlanPort", Settings: { Port: 4789 } },
        { Type: "ProviderAddress", Settings: { ProviderAddress: "10.0.0.6" } },
      ],
      SchemaVersion: { Major: 2, Minor: 0 },
    },
  ],
  null,
  2,
);

/** HCN v2 endpoints: a CNI pod endpoint ("<container id>_<network>") and a remote overlay endpoint. */
export const HCN_ENDPOINTS = JSON.stringify(
  [
    {
      ID: POD_EP_ID,
      Name: `${POD_CONTAINER}_k8s-nat`,
      HostComputeNetwork: K8S_NET_ID,
      HostComputeNamespace: "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091",
      Policies: [
        { Type: "PortMapping", Settings: { Protocol: 6, InternalPort: 80, ExternalPort: 30080 } },
        { Type: "OutBoundNAT", Settings: { Exceptions: ["10.0.0.0/8"] } },
      ],
      IpConfigurations: [{ IpAddress: "10.88.0.7", PrefixLength: 16 }],
      Dns: { ServerList: ["10.88.0.1"] },
      Routes: [{ NextHop: "10.88.0.1", DestinationPrefix: "0.0.0.0/0" }],
      MacAddress: "00-15-5D-52-C0-07",
      Flags: 0,
      SchemaVersion: { Major: 2, Minor: 0 },
    },
    {
      ID: REMOTE_EP_ID,
      Name: "remote-pod",
      HostComputeNetwork: "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
      Policies: [{ Type: "ProviderAddress", Settings: { ProviderAddress: "10.0.0.7" } }],
      IpConfigurations: [{ IpAddress: "10.244.2.9", PrefixLength: 24 }],
      MacAddress: "02-11-0A-F4-02-09",
      Flags: 1,
      SchemaVersion: { Major: 2, Minor: 0 },
    },
  ],
  null,
  2,
);

/** HCN v2 namespace listing the pod endpoint, compartment 6. */
export const HCN_NAMESPACES = JSON.stringify(
  { ID: "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091", NamespaceId: 6, Type: "Host", Resources: [{ Type: "Endpoint", Data: { Id: POD_EP_ID } }], SchemaVersion: { Major: 2, Minor: 0 } },
  null,
  2,
);

/** `Get-NetAdapter` default table output (ifIndex and LinkSpeed are right-aligned). */
export const GET_NETADAPTER_TABLE = [
  "",
  "Name                      InterfaceDescription                    ifIndex Status       MacAddress             LinkSpeed",
  "----                      --------------------                    ------- ------       ----------             ---------",
  "vEthernet (try-nat)       Hyper-V Virtual Ethernet Adapter #2          23 Up           00-15-5D-11-22-33        10 Gbps",
  "Ethernet                  Microsoft Hyper-V Network Adapter             6 Up           00-15-5D-00-0A-01        10 Gbps",
  "vEthernet (Default Swi... Hyper-V Virtual Ethernet Adapter            113 Up           00-15-5D-E8-00-10        10 Gbps",
  "",
].join("\r\n");

/** `Get-NetAdapter -Name Ethernet | fl`. */
export const GET_NETADAPTER_LIST = [
  "",
  "Name                       : Ethernet",
  "InterfaceDescription       : Microsoft Hyper-V Network Adapter",
  "InterfaceIndex             : 6",
  "MacAddress                 : 00-15-5D-00-0A-01",
  "MediaType                  : 802.3",
  "PhysicalMediaType          : Unspecified",
  "InterfaceOperationalStatus : Up",
  "AdminStatus                : Up",
  "LinkSpeed(Gbps)            : 10",
  "MediaConnectionState       : Connected",
  "ConnectorPresent           : True",
  "DriverInformation          : Driver Date 2006-06-21 Version 10.0.20348.1 NDIS 6.85",
  "",
].join("\n");

/** `Get-VMSwitch` default table. */
export const GET_VMSWITCH_TABLE = [
  "",
  "Name    SwitchType NetAdapterInterfaceDescription",
  "----    ---------- ------------------------------",
  "try-nat Internal",
  "ext     External   Microsoft Hyper-V Network Adapter",
  "",
].join("\r\n");

/** `Get-VMSwitch try-nat | fl`. */
export const GET_VMSWITCH_LIST = [
  "",
  "Name                           : try-nat",
  `Id                             : ${SWITCH_ID}`,
  "Notes                          :",
  "Extensions                     : {Microsoft Windows Filtering Platform, Microsoft Azure VFP Switch Extension, Microsoft NDIS Capture}",
  "BandwidthReservationMode       : Absolute",
  "PacketDirectEnabled            : False",
  "EmbeddedTeamingEnabled         : False",
  "AllowNetLbfoTeams              : False",
  "IovEnabled                     : False",
  "SwitchType                     : Internal",
  "AllowManagementOS              : True",
  "NetAdapterInterfaceDescription :",
  "NetAdapterInterfaceDescriptions :",
  "IovSupport                     : False",
  "",
].join("\n");

/** `vfpctrl /list-vmswitch-port`: the host vNIC port, the container port (MAC without separators), the uplink. */
export const VFPCTRL_PORTS = [
  "ITEM LIST",
  "===========",
  "",
  `  Port name             : ${HOST_PORT.toUpperCase()}`,
  "  Port Friendly name    : Container NIC 6c50381c",
  `  Switch name           : ${SWITCH_ID.toUpperCase()}`,
  "  Switch Friendly name  : try-nat",
  "  PortId                : 1",
  "  VMQ Usage             : 0",
  "  SR-IOV Usage          : 0",
  "  Port type             : Internal",
  "  Port is Initialized.",
  "  MAC Learning is Disabled.",
  "  NIC name              : 8A5C7E2F-0D2B-4E6B-9F3A-3B0C2E1D4F5A",
  "  MTU                   : 1500",
  "  MAC address           : 00-15-5D-11-22-33",
  "",
  `  Port name             : ${WCOW1_PORT.toUpperCase()}`,
  "  Port Friendly name    : f82c3ec1d0fe590",
  `  Switch name           : ${SWITCH_ID.toUpperCase()}`,
  "  Switch Friendly name  : try-nat",
  "  PortId                : 2",
  "  VMQ Usage             : 0",
  "  SR-IOV Usage          : 0",
  "  Port type             : Synthetic",
  "  Port is Initialized.",
  "  MAC Learning is Disabled.",
  `  NIC name              : 0C9B8A7F-6E5D-4C3B-2A19-087F6E5D4C3B--${WCOW1_PORT.toUpperCase()}`,
  "  NIC Friendly name     : f82c3ec1d0fe590",
  "  MTU                   : 1500",
  "  MAC address           : 00155DA1B2C3",
  "  VM name               : f82c3ec1d0fe590b5c1d1e0b4bd0b8a8e3f7c2a1d5e6f708192a3b4c5d6e7f80",
  "  VM ID                 : 0C9B8A7F-6E5D-4C3B-2A19-087F6E5D4C3B",
  "",
  "  Port name             : 7F88B4C9-7ED6-4013-ADBA-4CE5A0C50487",
  "  Port Friendly name    : ExternalPort",
  "  Switch name           : 11111111-2222-4333-8444-555555555555",
  "  Switch Friendly name  : ext",
  "  PortId                : 3",
  "  Port type             : External",
  "",
  "Command list-vmswitch-port succeeded!",
  "",
].join("\r\n");

/** `ipconfig /allcompartments /all`: host compartment 1 and container compartment 4. */
export const IPCONFIG_ALLCOMPARTMENTS = [
  "",
  "==============================================================================",
  "Network Information for Compartment 1 (ACTIVE)",
  "==============================================================================",
  "",
  "Windows IP Configuration",
  "",
  "   Host Name . . . . . . . . . . . . : WINHOST1",
  "   Primary Dns Suffix  . . . . . . . :",
  "   Node Type . . . . . . . . . . . . : Hybrid",
  "   IP Routing Enabled. . . . . . . . : No",
  "   WINS Proxy Enabled. . . . . . . . : No",
  "",
  "Ethernet adapter vEthernet (try-nat):",
  "",
  "   Connection-specific DNS Suffix  . :",
  "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter #2",
  "   Physical Address. . . . . . . . . : 00-15-5D-11-22-33",
  "   DHCP Enabled. . . . . . . . . . . : No",
  "   Autoconfiguration Enabled . . . . : Yes",
  "   Link-local IPv6 Address . . . . . : fe80::1c2d:3e4f:5a6b:7c8d%23(Preferred)",
  "   IPv4 Address. . . . . . . . . . . : 172.30.16.1(Preferred)",
  "   Subnet Mask . . . . . . . . . . . : 255.255.240.0",
  "   Default Gateway . . . . . . . . . :",
  "   DHCPv6 IAID . . . . . . . . . . . : 385881437",
  "   DNS Servers . . . . . . . . . . . : fec0:0:0:ffff::1%1",
  "                                       fec0:0:0:ffff::2%1",
  "   NetBIOS over Tcpip. . . . . . . . : Enabled",
  "",
  "Ethernet adapter Ethernet:",
  "",
  "   Connection-specific DNS Suffix  . : lab.local",
  "   Description . . . . . . . . . . . : Microsoft Hyper-V Network Adapter",
  "   Physical Address. . . . . . . . . : 00-15-5D-00-0A-01",
  "   DHCP Enabled. . . . . . . . . . . : Yes",
  "   IPv4 Address. . . . . . . . . . . : 192.168.1.20(Preferred)",
  "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
  "   Lease Obtained. . . . . . . . . . : Friday, November 22, 2024 2:41:03 PM",
  "   Default Gateway . . . . . . . . . : 192.168.1.1",
  "   DNS Servers . . . . . . . . . . . : 192.168.1.1",
  "",
  "Tunnel adapter isatap.lab.local:",
  "",
  "   Media State . . . . . . . . . . . : Media disconnected",
  "",
  "==============================================================================",
  "Network Information for Compartment 4",
  "==============================================================================",
  "",
  "Windows IP Configuration",
  "",
  "",
  "Ethernet adapter vEthernet (Ethernet):",
  "",
  "   Connection-specific DNS Suffix  . :",
  "   Description . . . . . . . . . . . : Hyper-V Virtual Ethernet Adapter #3",
  "   Physical Address. . . . . . . . . : 00-15-5D-A1-B2-C3",
  "   DHCP Enabled. . . . . . . . . . . : No",
  "   IPv4 Address. . . . . . . . . . . : 172.30.16.5(Preferred)",
  "   Subnet Mask . . . . . . . . . . . : 255.255.240.0",
  "   Default Gateway . . . . . . . . . : 172.30.16.1",
  "",
].join("\r\n");

/** What collectlogs.ps1 appends to ip.txt after ipconfig: Get-NetIPAddress (list) and Get-NetIPInterface (table). */
export const NETIPADDRESS_TAIL = [
  "",
  "IPAddress         : 172.30.16.1",
  "InterfaceIndex    : 23",
  "InterfaceAlias    : vEthernet (try-nat)",
  "AddressFamily     : IPv4",
  "Type              : Unicast",
  "PrefixLength      : 20",
  "PrefixOrigin      : Manual",
  "SuffixOrigin      : Manual",
  "AddressState      : Preferred",
  "ValidLifetime     : Infinite ([TimeSpan]::MaxValue)",
  "PreferredLifetime : Infinite ([TimeSpan]::MaxValue)",
  "SkipAsSource      : False",
  "PolicyStore       : ActiveStore",
  "",
  "",
  "ifIndex InterfaceAlias                  AddressFamily NlMtu(Bytes) InterfaceMetric Dhcp     ConnectionState PolicyStore",
  "------- --------------                  ------------- ------------ --------------- ----     --------------- -----------",
  "23      vEthernet (try-nat)             IPv4                  1500            5000 Disabled Connected       ActiveStore",
  "",
].join("\r\n");

/** collectlogs.ps1 network.txt: a `Select` table, then `ConvertTo-Json` appended to the same file. */
export const COLLECTLOGS_NETWORK_TXT =
  [
    "",
    "Name    Type Id                                   AddressPrefix",
    "----    ---- --                                   -------------",
    `try-nat nat  ${TRYNAT_HNS_ID.toUpperCase()} 172.30.16.0/20`,
    "",
    "",
  ].join("\r\n") + HNS_NETWORKS_V1.replace(/\n/g, "\r\n");

/** collectlogs.ps1 endpoint.txt: table then JSON. */
export const COLLECTLOGS_ENDPOINT_TXT =
  [
    "",
    "IPAddress   MacAddress        IsRemoteEndpoint State",
    "---------   ----------        ---------------- -----",
    "172.30.16.5 00-15-5D-A1-B2-C3                      2",
    "",
    "",
  ].join("\r\n") + HNS_ENDPOINT_V1_SINGLE.replace(/\n/g, "\r\n");

/** `Get-HnsEndpoint` list (Format-List) output for a flannel-style l2bridge endpoint. */
export const HNS_ENDPOINT_LIST = [
  "",
  "ActivityId         : 0F1E2D3C-4B5A-4968-8776-655443322110",
  "CreateProcessingStartTime : 133768224000000000",
  "EncapOverhead      : 0",
  "GatewayAddress     : 10.244.1.1",
  "Health             : @{LastErrorCode=0; LastUpdateTime=133768224000000000}",
  "ID                 : 3E0C5E8D-346A-49CA-A6A3-11785D351970",
  "IPAddress          : 10.244.1.12",
  "MacAddress         : 00-15-5D-9C-01-0C",
  "Name               : Ethernet",
  "Namespace          : @{ID=5A4B3C2D-1E0F-4A9B-8C7D-6E5F4A3B2C1D; CompartmentId=5}",
  "Policies           : {@{Type=OutBoundNAT; ExceptionList=System.Object[]}, @{Type=L2Driver}, @{ExternalPort=8080; InternalPort=80; Protocol=TCP;",
  "                     Type=NAT}}",
  "PrefixLength       : 24",
  "SharedContainers   : {}",
  "State              : 2",
  "Type               : L2Bridge",
  "Version            : 64424509440",
  "VirtualNetwork     : 705B6B4D-E2F2-421A-B31B-E3C5E8831944",
  "VirtualNetworkName : vxlan0",
  "",
].join("\n");

/** Encodes text as a PowerShell 5 `>` redirect would: UTF-16LE with a BOM. */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}

/** UTF-8 with a BOM. */
export function utf8bom(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

/** `Get-NetNatStaticMapping` (default list output): the WinNAT forward of wcow1's published port. */
export const NETNAT_STATIC_MAPPING = [
  "",
  "StaticMappingID               : 0",
  "NatName                       : NATA3C5E7F9-1B2D-4F6A-8C0E-2B4D6F8A0C1E",
  "Protocol                      : TCP",
  "RemoteExternalIPAddressPrefix : 0.0.0.0/0",
  "ExternalIPAddress             : 0.0.0.0",
  "ExternalPort                  : 8080",
  "InternalIPAddress             : 172.30.16.5",
  "InternalPort                  : 80",
  "InternalRoutingDomainId       : {00000000-0000-0000-0000-000000000000}",
  "Active                        : True",
  "",
].join("\r\n");

/** An l2bridge host: the host vNIC on the external switch carries the physical NIC's MAC. */
export const EXTERNAL_HOST = {
  "Get-NetAdapter.txt": [
    "",
    "Name                 InterfaceDescription                ifIndex Status MacAddress        LinkSpeed",
    "----                 --------------------                ------- ------ ----------        ---------",
    "vEthernet (Ethernet) Hyper-V Virtual Ethernet Adapter #2      11 Up     00-0D-3A-DF-2A-13   10 Gbps",
    "Ethernet             Microsoft Hyper-V Network Adapter         4 Up     00-0D-3A-DF-2A-13   40 Gbps",
    "",
  ].join("\n"),
  "Get-VMSwitch.txt": ["", "Name SwitchType NetAdapterInterfaceDescription", "---- ---------- ------------------------------", "l2b  External   Microsoft Hyper-V Network Adapter", ""].join("\n"),
  "Get-HnsNetwork.json": JSON.stringify({ ID: "45f71d03-2e10-4573-abba-8c0b7b6f0160", Name: "l2b", Type: "l2bridge", NetworkAdapterName: "Ethernet", Subnets: [{ AddressPrefix: "10.10.0.0/24", GatewayAddress: "10.10.0.1" }] }),
};
