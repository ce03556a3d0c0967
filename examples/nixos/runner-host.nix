# A NixOS runner host for team "platform": an ephemeral GitHub Actions runner (nixpkgs' services.github-runners)
# in the team's runner group, registered with a registration token that actions-runner-manager mints just
# before each registration. Import it from configuration.nix and change the `let` block.
#
# Not evaluated in this project's CI (there is no Nix there): test/e2e/runner-hosts.test.ts checks only that it
# uses the options the nixpkgs module has and holds no token. Try it with `nixos-rebuild build` first.
#
# How it works, and why this way:
# - The module reads tokenFile at registration, from its first ExecStartPre, which runs as root ("+"), and
#   hides the file from the runner itself (InaccessiblePaths). With `ephemeral = true` it registers afresh at
#   every start (after each job). A registration token expires one hour after it is minted, so a token written
#   once would break the runner an hour later: here every start first mints a new one.
# - The client runs in its own unit, as its own user, with the maintainer's GitHub token as a systemd
#   credential. Never give that credential (LoadCredential, EnvironmentFile) to the runner's own service: the
#   jobs it runs could read it.
# - The maintainer's token stays out of the Nix store: /etc/actions-runner-manager/github-token is a root-owned
#   0600 file that you (or sops-nix, agenix) put there.
{ config, lib, pkgs, ... }:

let
  team = "platform";
  # the service's policy.groupPrefix ("team-" by default) + the team's slug: the group `group-create` made
  runnerGroup = "team-${team}";
  organizationUrl = "https://github.com/my-org";
  managerUrl = "https://runners.example.com";
  # A checkout of actions-runner-manager after `npm ci && npm run build`: the client needs Node and dist/ only.
  client = "/opt/actions-runner-manager/dist/cli.js";
  # Unique in the organization: with a registration token, `replace` takes over any runner of the same name.
  runnerName = "${team}-nixos-1";
  tokenFile = "/run/arm-runner-token/${team}";
in
{
  services.github-runners.${runnerName} = {
    enable = true;
    url = organizationUrl; # the organization, not a repository: registration tokens from the service are organization-wide
    inherit tokenFile runnerGroup;
    ephemeral = true;
    # an ephemeral runner cleans its state and registers under the same name at every start
    replace = true;
    extraLabels = [ "nixos" ];
  };

  # Before every start of the runner (the module restarts an ephemeral runner after each job), mint a fresh
  # token. "+" runs systemctl with full privileges; if minting fails, the runner does not start on a stale token.
  systemd.services."github-runner-${runnerName}".serviceConfig.ExecStartPre = lib.mkBefore [
    "+${config.systemd.package}/bin/systemctl start arm-runner-token-${team}.service"
  ];

  systemd.services."arm-runner-token-${team}" = {
    description = "Mint a runner registration token for team ${team} with actions-runner-manager";
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ];
    serviceConfig = {
      Type = "oneshot";
      User = "arm-runner-token";
      Group = "arm-runner-token";
      # $CREDENTIALS_DIRECTORY/github-token (%d in ExecStart), readable by this unit's user only
      LoadCredential = "github-token:/etc/actions-runner-manager/github-token";
      # /run/arm-runner-token: tmpfs, 0700, kept when this oneshot ends so that the runner's ExecStartPre reads it
      RuntimeDirectory = "arm-runner-token";
      RuntimeDirectoryMode = "0700";
      RuntimeDirectoryPreserve = "yes";
      Environment = [ "ACTIONS_RUNNER_MANAGER_URL=${managerUrl}" ];
      # --out writes exactly the token, no newline, 0600, atomically (the module wants "exactly one line … without
      # any newline"). --max-wait 60 keeps the client's retries within the runner's start timeout (90 s).
      ExecStart = "${pkgs.nodejs}/bin/node ${client} token-register --team ${team} --token-file %d/github-token --out ${tokenFile} --max-wait 60";
      NoNewPrivileges = true;
      PrivateTmp = true;
      ProtectHome = true;
      ProtectSystem = "strict";
    };
  };

  users.users.arm-runner-token = {
    isSystemUser = true;
    group = "arm-runner-token";
  };
  users.groups.arm-runner-token = { };
}
