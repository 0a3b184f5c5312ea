# bash completion for chatterctl(1): commands, their sub-commands and
# options, and account and contact names asked of the running daemon.

_chatterctl_names() {
  # $1: accounts or contacts; the first word of each line of chatterctl's output.
  local -a who=()
  [[ -n $_chatterctl_as ]] && who=(--as "$_chatterctl_as")
  chatterctl "${who[@]}" "$1" 2>/dev/null | awk '{print $1}'
}

_chatterctl() {
  local cur prev words cword
  _init_completion || return

  local commands="register login logout accounts status send send-many history pending ack
    fingerprint verify session read search contacts presence room watch tux"
  local global="--as --json --bus-address --help --version"
  local command="" sub="" i _chatterctl_as=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --as) _chatterctl_as=${words[i + 1]}; ((i++)) ;;
      --bus-address) ((i++)) ;;
      -*) ;;
      *) if [[ -z $command ]]; then command=${words[i]}; elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
    esac
  done

  case $prev in
    --as) COMPREPLY=($(compgen -W "$(_chatterctl_names accounts)" -- "$cur")); return ;;
    --bus-address|--display-name|--before|--limit|--for|--batch) return ;;
    --suite) COMPREPLY=($(compgen -W "ratchet-x25519-chacha20poly1305
      x25519-chacha20poly1305-ed25519 rsa-oaep-pss-3072 elgamal-2048" -- "$cur")); return ;;
    --arrival|--message) COMPREPLY=($(compgen -W "on off" -- "$cur")); return ;;
  esac

  local options="$global"
  case $command in
    "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return ;;
    register) options+=" --display-name --suite --password-stdin" ;;
    login) options+=" --password-stdin" ;;
    send-many) options+=" --batch" ;;
    history) options+=" --before --limit" ;;
    search) options+=" --limit" ;;
    watch) options+=" --for" ;;
    tux) [[ $sub == react ]] && options+=" --arrival --message" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  case $command in
    contacts) [[ -z $sub ]] && COMPREPLY=($(compgen -W "list request accept decline add remove block unblock blocked" -- "$cur")) ;;
    room) [[ -z $sub ]] && COMPREPLY=($(compgen -W "create invite leave list" -- "$cur")) ;;
    session) [[ -z $sub ]] && COMPREPLY=($(compgen -W "reset" -- "$cur")) ;;
    tux) [[ -z $sub ]] && COMPREPLY=($(compgen -W "speak do status react" -- "$cur"))
         [[ $sub == do ]] && COMPREPLY=($(compgen -W "blink eyes-close eyes-open flap
           flippers-down flippers-up leds-blink leds-off leds-on mouth-close mouth-open
           spin-left spin-right stop talk wave" -- "$cur")) ;;
    login|logout) [[ -z $sub ]] && COMPREPLY=($(compgen -W "$(_chatterctl_names accounts)" -- "$cur")) ;;
    send|history|read|fingerprint|verify)
      [[ -z $sub ]] && COMPREPLY=($(compgen -W "$(_chatterctl_names contacts)" -- "$cur")) ;;
  esac
} &&
  complete -F _chatterctl chatterctl
