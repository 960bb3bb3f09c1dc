# bash completion for cutover(1).  Installed to
# share/bash-completion/completions/cutover; source it by hand otherwise.

_cutover_examples() {
	local d
	for d in "${CUTOVER_EXAMPLES:-}" docs/examples /usr/local/share/cutover/examples /usr/share/cutover/examples; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		compgen -G "$d/*.scenario.json" | sed 's|.*/||; s|\.scenario\.json$||'
		return
	done
}

_cutover_themes() {
	local d
	for d in "${CUTOVER_THEMES:-}" themes /usr/local/share/cutover/themes /usr/share/cutover/themes; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		compgen -G "$d/*.theme" | sed 's|.*/||; s|\.theme$||'
		return
	done
	printf '%s\n' default light high-contrast colorblind monochrome
}

_cutover() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local commands="help version check audit note sim demo status flag approve reject executions rollback"
	local console_opts="--theme --keymap --profile --region --operator --read-only --ascii"

	case "$prev" in
	--theme) COMPREPLY=($(compgen -W "$(_cutover_themes)" -- "$cur")); return ;;
	--keymap | --scenario | --db | --out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "csv json md" -- "$cur")); return ;;
	--profile)
		COMPREPLY=($(compgen -W "$(sed -n 's/^\[\(profile \)\{0,1\}\([^]]*\)\].*/\2/p' \
			~/.aws/config ~/.aws/credentials 2>/dev/null | sort -u)" -- "$cur"))
		return ;;
	--region | --operator | --port | --speed | --seed | --listen | -n) return ;;
	esac

	if [ "$cword" -eq 1 ]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
		fi
		return
	fi
	case "${words[1]}" in
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	version) ;;
	check)
		if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--json" -- "$cur"))
		else COMPREPLY=($(compgen -f -X '!*.json' -- "$cur")); fi ;;
	status)
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--json --watch --profile --region" -- "$cur"))
		else COMPREPLY=($(compgen -f -X '!*.json' -- "$cur")); fi ;;
	demo)
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--speed --help $console_opts" -- "$cur"))
		else COMPREPLY=($(compgen -W "$(_cutover_examples)" -- "$cur")); fi ;;
	sim) COMPREPLY=($(compgen -W "--scenario --port --speed --seed --listen --no-auth" -- "$cur")) ;;
	audit)
		if [ "$cword" -eq 2 ]; then COMPREPLY=($(compgen -W "tail verify export" -- "$cur"))
		else COMPREPLY=($(compgen -W "--db -f -n --format --out" -- "$cur")); fi ;;
	note) [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "--db --operator" -- "$cur")) ;;
	flag | executions)
		if [ "$cword" -eq 2 ]; then
			if [ "${words[1]}" = flag ]; then COMPREPLY=($(compgen -W "list get set toggle step" -- "$cur"))
			else COMPREPLY=($(compgen -W "list stop" -- "$cur")); fi
		elif [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--confirm --yes --read-only --comment --operator --audit --profile --region --timeout --expect-version --error --cause" -- "$cur"))
		elif [ "$cword" -eq 3 ]; then COMPREPLY=($(compgen -f -X '!*.json' -- "$cur")); fi ;;
	approve | reject | rollback)
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--confirm --yes --comment --operator --audit --profile --region --list --resume --abandon --assume-done --rerun --on-failure --status --arm --disarm --cancel-auto --reason" -- "$cur"))
		elif [ "$cword" -eq 2 ]; then COMPREPLY=($(compgen -f -X '!*.json' -- "$cur")); fi ;;
	*)
		# cutover RUNBOOK [console options]
		[[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "$console_opts" -- "$cur")) ;;
	esac
}
complete -F _cutover cutover
