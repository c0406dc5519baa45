package dev.gatehouse.scanner;

import static dev.gatehouse.scanner.AttackCategory.DATA_EXFILTRATION;
import static dev.gatehouse.scanner.AttackCategory.DELIMITER_INJECTION;
import static dev.gatehouse.scanner.AttackCategory.INSTRUCTION_OVERRIDE;
import static dev.gatehouse.scanner.AttackCategory.OBFUSCATION;
import static dev.gatehouse.scanner.AttackCategory.ROLE_PLAY_JAILBREAK;
import static dev.gatehouse.scanner.AttackCategory.SYSTEM_PROMPT_EXTRACTION;
import static dev.gatehouse.scanner.AttackCategory.TOOL_HIJACKING;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gatehouse's own signatures for prompt injection, written for this project. Each pattern is
 * matched against normalised text that has been lower-cased with runs of blanks collapsed, so
 * patterns are written in lower case with single spaces. Weights were set by hand on the
 * development split; strong rules (≥ 0.75) block alone at the default threshold, weak ones
 * only add evidence for the classifier. Immutable and thread-safe.
 */
public final class InjectionRules {

    private static final String OVERRIDE_VERB =
            "\\b(?:ignore|disregard|forget|skip|overlook|neglect|bypass|override|discard|abandon|set aside|throw out|do not follow|don't follow|stop following)\\b";
    private static final String EARLIER = "\\b(?:previous|prior|above|earlier|preceding|foregoing|initial|original|former|old|existing|all)\\b";
    private static final String DIRECTIVES =
            "\\b(?:instructions?|prompts?|rules|directions?|directives?|guidelines?|guidance|commands?|constraints|restrictions|programming|orders|polic(?:y|ies)|context|system message|training)\\b";
    private static final String LIMITS =
            "\\b(?:restrictions?|limits|limitations|filters?|filtering|censorship|guidelines|rules|ethics|ethical (?:guidelines|constraints)|morals|morality|safety (?:guidelines|measures|protocols)|content polic(?:y|ies)|boundaries)\\b";
    private static final String HIDDEN_PROMPT =
            "(?:system (?:prompt|message|instructions?)|(?:initial|hidden|secret|original|internal|developer|pre) ?(?:prompt|instructions?|message)|instructions (?:you were|you've been|you have been) given|(?:prompt|instructions) above)";
    private static final String AI_NAME =
            "\\b(?:ai|a\\.i\\.|assistant|chatbot|llm|language model|copilot|agent|gpt|chatgpt|claude|gemini|model)s?\\b";

    private static final String QUOTES = "\"'“”‘’«»`";
    private static final double QUOTED_MENTION_FACTOR = 0.35;

    private final List<InjectionRule> rules;

    private InjectionRules(List<InjectionRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static InjectionRules defaults() {
        return new InjectionRules(List.of(
                InjectionRule.of("override.ignore-earlier-instructions", INSTRUCTION_OVERRIDE, 0.85,
                        "ignor|disregard|forget|skip|overlook|neglect|bypass|override|discard|abandon|set aside|throw out|follow",
                        OVERRIDE_VERB + "[^.!?\\n]{0,30}?" + EARLIER + "[^.!?\\n]{0,25}?" + DIRECTIVES),
                InjectionRule.of("override.ignore-your-instructions", INSTRUCTION_OVERRIDE, 0.8,
                        "ignor|disregard|forget|skip|overlook|neglect|bypass|override|discard|abandon|set aside|throw out|follow",
                        OVERRIDE_VERB + " (?:all )?(?:of )?your (?:\\w+ ){0,2}?" + DIRECTIVES),
                InjectionRule.of("override.ignore-and-say-instead", INSTRUCTION_OVERRIDE, 0.6,
                        "ignor|disregard",
                        "\\b(?:ignore|disregard)\\b (?:all|any|everything|the (?:above|previous|preceding)|previous|prior|above|earlier)\\b[^\\n]{0,60}\\b(?:instead|just|only) (?:say|print|output|write|respond|reply|return)\\b"),
                InjectionRule.of("override.rules-you-were-given", INSTRUCTION_OVERRIDE, 0.8,
                        "ignor|disregard|forget|skip|overlook|neglect|bypass|override|discard|abandon|set aside|throw out|follow",
                        OVERRIDE_VERB + "[^.\\n]{0,20}\\b(?:rules|instructions|guidelines|directives|constraints)\\b (?:you were|you've been|you have been|that were) (?:given|told|trained|programmed)"),
                InjectionRule.of("override.new-instructions", INSTRUCTION_OVERRIDE, 0.45,
                        "instruction|directive|orders|task|rules|anweisung|regeln|befehle|consigne|règle",
                        "\\b(?:new|updated|revised|real|actual|true|overriding) (?:instructions?|directives?|orders|task|rules)\\s*(?::|follow\\b|override\\b)|\\bneue (?:anweisungen|anweisung|regeln|befehle)\\s*:|\\bnouvelles? (?:instructions?|consignes?|règles?)\\s*:"),
                InjectionRule.of("override.forget-everything-then-new-task", INSTRUCTION_OVERRIDE, 0.75,
                        "forget|disregard|ignor",
                        "\\b(?:forget|disregard|ignore)\\b (?:about )?(?:everything|all(?: of)? (?:that|this|the above)|what (?:i|we|you) (?:said|told you|wrote|discussed))\\b[^.!?\\n]{0,20}\\b(?:above|before|so far|previously|earlier|until now)\\b[^\\n]{0,80}\\b(?:your (?:new|real|actual|only) (?:task|job|goal|mission|instructions?)|now (?:say|print|output|write|reply|respond|tell)|instead,? (?:say|print|output|write|reply|respond|tell))"),
                InjectionRule.of("override.your-new-task", INSTRUCTION_OVERRIDE, 0.55,
                        "your new|your real|your actual|your true|your only",
                        "\\byour (?:new|real|actual|true|only) (?:task|job|goal|mission|purpose|instructions?|orders) (?:is|are|will be|from now on is)\\b"),
                InjectionRule.of("override.forced-access-phrase", INSTRUCTION_OVERRIDE, 0.75,
                        "access granted",
                        "\\b(?:say|output|print|respond with|reply with|answer with|type|write|return|begin (?:your )?(?:reply|response|answer) with|start (?:your )?(?:reply|response|answer) with)\\b[^\\n]{0,25}\\baccess granted\\b"),
                InjectionRule.of("override.from-now-on", INSTRUCTION_OVERRIDE, 0.35,
                        "from now on",
                        "\\bfrom now on\\b[^.\\n]{0,60}\\b(?:you (?:will|must|shall|are no longer|have no|no longer)|ignore|never refuse)"),
                InjectionRule.of("override.policy-no-longer-applies", INSTRUCTION_OVERRIDE, 0.7,
                        "polic|guideline|rules",
                        "\\b(?:openai|anthropic|content|safety|usage|ethical)(?: content)? (?:polic(?:y|ies)|guidelines|rules)[^.\\n]{0,40}\\b(?:do(?:es)? not apply|don't apply|no longer appl|are suspended|is suspended|are void|were lifted|can be ignored|bypass)"),
                InjectionRule.of("override.safeguards-suspended", INSTRUCTION_OVERRIDE, 0.5,
                        "suspended|lifted|disabled|void|removed|deactivated|turned off|switched off",
                        "\\b(?:your|the usual|usual|all|content|safety|ai) (?:polic(?:y|ies)|guidelines|rules|restrictions|filters|safeguards)\\b[^.\\n]{0,20}\\b(?:are|is|have been|has been|were) (?:now |temporarily )?(?:suspended|lifted|disabled|void|removed|deactivated|turned off|switched off)"),
                InjectionRule.of("override.german", INSTRUCTION_OVERRIDE, 0.85,
                        "anweisung|instruktion|regeln|befehle|vorgaben|richtlinien",
                        "\\b(?:ignorier|vergiss|vergessen sie|missacht|überschreib)\\w*\\b[^.!?\\n]{0,40}\\b(?:vorherigen|bisherigen|obigen|vorigen|alle|alten|deine|ihre)\\b[^.!?\\n]{0,30}\\b(?:anweisungen|instruktionen|regeln|befehle|vorgaben|richtlinien)"),
                InjectionRule.of("override.french", INSTRUCTION_OVERRIDE, 0.85,
                        "instructions|consignes|règles|directives",
                        "\\b(?:ignore[rz]|ignore (?:les|toutes|tes|vos|tout)|oublie[rsz]?|ne tiens pas compte d|ne tenez pas compte d)\\w*\\b[^.!?\\n]{0,40}\\b(?:instructions|consignes|règles|directives)\\b"),
                InjectionRule.of("override.other-languages", INSTRUCTION_OVERRIDE, 0.8,
                        "instructies|regels|opdrachten|instrukcj|polece|zasady|instruções|instrucoes|regras|инструкци|правил|указани|指令|指示|规则|提示|命令|ルール",
                        "\\b(?:negeer|vergeet)\\b[^.!?\\n]{0,40}\\b(?:instructies|regels|opdrachten)\\b"
                                + "|\\b(?:zignoruj|zapomnij|pomiń)\\b[^.!?\\n]{0,40}\\b(?:instrukcj\\w*|polece\\w*|zasady)"
                                + "|\\b(?:ignore|esqueça|esqueca|desconsidere)\\b[^.!?\\n]{0,40}\\b(?:instruções|instrucoes|regras)\\b"
                                + "|(?:игнорируй|проигнорируй|забудь)[^.!?\\n]{0,40}(?:инструкци|правил|указани)"
                                + "|(?:忽略|无视|忘记|忘掉|無視)[^。\\n]{0,20}(?:指令|指示|规则|提示|命令)|(?:指令|指示|命令|ルール)[^。\\n]{0,20}(?:無視|忘れ)"),
                InjectionRule.of("override.spanish-italian", INSTRUCTION_OVERRIDE, 0.8,
                        "instrucciones|reglas|indicaciones|istruzioni|regole",
                        "\\b(?:ignora|olvida|omite|dimentica|ignorate|olvidá)\\w*\\b[^.!?\\n]{0,40}\\b(?:instrucciones|reglas|indicaciones|istruzioni|regole)\\b"),

                InjectionRule.of("extract.reveal-system-prompt", SYSTEM_PROMPT_EXTRACTION, 0.8,
                        "prompt|instruction|message",
                        "\\b(?:reveal|show|print|display|output|repeat|recite|dump|leak|tell me|give me|write out|share|disclose|expose|spell out|paste|list)\\b[^.?!\\n]{0,30}\\b(?:your|the|its|this|all|full|exact|entire)\\b[^.?!\\n]{0,20}" + HIDDEN_PROMPT),
                InjectionRule.of("extract.what-are-your-instructions", SYSTEM_PROMPT_EXTRACTION, 0.6,
                        "system prompt|instructions|initial prompt|you were given",
                        "\\bwhat (?:is|are|were|was) (?:your|the) (?:exact |full |original |initial |hidden |secret )?(?:system prompt|instructions|initial prompt|rules you were given|guidelines you were given)\\b"),
                InjectionRule.of("extract.repeat-verbatim", SYSTEM_PROMPT_EXTRACTION, 0.75,
                        "repeat|print|output|echo|recite|copy|dump|spell check",
                        "\\b(?:repeat|print|output|echo|recite|copy|dump|spell check)\\b[^.\\n]{0,40}\\b(?:verbatim|word for word|everything (?:above|before|so far)|all (?:the )?(?:text|words) (?:above|before)|the (?:words|text) above|your (?:instructions|prompt|rules|directives)|the previous instructions)"),
                InjectionRule.of("extract.begin-reply-with-prompt", SYSTEM_PROMPT_EXTRACTION, 0.6,
                        "begin your|start your",
                        "\\b(?:begin|start) your (?:reply|response|answer|output) with\\b[^.\\n]{0,20}\\b(?:you are|your instructions|the system|my instructions)"),
                InjectionRule.of("extract.configuration-dump", SYSTEM_PROMPT_EXTRACTION, 0.6,
                        "configuration|config|setup|initiali|tool definitions|function definitions|hidden rules|hidden context",
                        "\\b(?:dump|print|output|reveal|show|leak|export|display|disclose)\\b[^.?!\\n]{0,25}\\byour\\b[^.?!\\n]{0,20}\\b(?:configuration|config|setup|initiali[sz]ation|hidden (?:rules|context)|tool definitions|function definitions)\\b"),
                InjectionRule.of("extract.instructions-before-my-message", SYSTEM_PROMPT_EXTRACTION, 0.7,
                        "before my|above my|prior to my|before this|before our|set you up|programmed you|configured you|to you",
                        "\\b(?:instructions|rules|text|messages?|prompt|guidance|directions)\\b[^.?!\\n]{0,40}\\b(?:before|above|prior to) (?:my|this|our) (?:message|question|conversation|input|request)"
                                + "|\\b(?:what|which|quote|list|repeat|recite)\\b[^.?!\\n]{0,40}\\b(?:the people|whoever|those) (?:who|that) (?:set you up|programmed you|configured you|built you|deployed you)"
                                + "|\\b(?:list|quote|repeat|recite)\\b[^.?!\\n]{0,20}\\b(?:rules|instructions|guidelines)\\b[^.?!\\n]{0,30}\\b(?:you (?:must|have to|are told to|were told to) follow|you were given|given to you|written to you)"),
                InjectionRule.of("extract.secret-value", SYSTEM_PROMPT_EXTRACTION, 0.3,
                        "password|passphrase|secret|access code|api key|credentials",
                        "\\b(?:tell|give|reveal|show|print|spell|share|what is)\\b[^.?\\n]{0,15}\\b(?:the|your)\\b[^.?\\n]{0,12}\\b(?:password|passphrase|secret (?:key|code|word)|access code|api key|credentials)\\b(?! (?:polic(?:y|ies)|managers?|resets?|requirements?|strength|length|rules|hash\\w*|fields?|rotation|recovery))"),
                InjectionRule.of("extract.german-french", SYSTEM_PROMPT_EXTRACTION, 0.8,
                        "prompt|nachricht|anweisung|instruktion|message|instruc|istruzioni",
                        "\\b(?:zeig|gib|verrat|nenn|wiederhol)\\w*\\b[^.?!\\n]{0,30}\\b\\w*(?:systemprompt|system-prompt|systemnachricht|anweisungen|instruktionen)\\b|\\b(?:revela|muestra|dime|mostra|rivela|dimmi)\\w*\\b[^.?!\\n]{0,30}\\b(?:instrucciones|prompt del sistema|istruzioni|prompt di sistema)|\\b(?:montre|affiche|révèle|revele|donne|répète|repete)\\w*\\b[^.?!\\n]{0,30}\\b(?:prompt système|prompt systeme|message système|instructions (?:initiales|système|cachées|secrètes))"),

                InjectionRule.of("jailbreak.dan", ROLE_PLAY_JAILBREAK, 0.9,
                        "dan|anything now",
                        "\\bdo anything now\\b|\\bdan\\b[^.\\n]{0,60}\\b(?:stands for|mode|no (?:limits|restrictions|rules))"),
                InjectionRule.of("jailbreak.named-mode", ROLE_PLAY_JAILBREAK, 0.8,
                        "mode",
                        "\\b(?:jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|god|chaos|anarchy|no-?limits?|opposite) mode\\b"),
                InjectionRule.of("jailbreak.model-developer-mode", ROLE_PLAY_JAILBREAK, 0.7,
                        "developer mode",
                        "\\b(?:chatgpt|you|ai|assistant|model|gpt)\\b[^.\\n]{0,40}\\bdeveloper mode\\b[^.\\n]{0,40}\\b(?:enabled|activated|on|policies|output)"),
                InjectionRule.of("jailbreak.unrestricted-persona", ROLE_PLAY_JAILBREAK, 0.8,
                        "unfiltered|uncensored|unrestricted|amoral|unethical|immoral|evil|jailbroken|rogue|unaligned|unbound|limitless|lawless|without morals",
                        "\\b(?:you are|you're|you will be|act as|acting as|pretend (?:to be|you are)|role-?play as|play the role of|become|simulate|respond as|behave like|you (?:will )?now be)\\b[^.\\n]{0,40}\\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|immoral|evil|jailbroken|rogue|unaligned|unbound|limitless|lawless|without morals)\\b"),
                InjectionRule.of("jailbreak.ai-without-limits", ROLE_PLAY_JAILBREAK, 0.7,
                        "restriction|limit|filter|censorship|guidelines|rules|ethic|moral|safety|content polic|boundaries",
                        AI_NAME + "[^.\\n]{0,40}\\b(?:without|with no|free (?:of|from)|has no|have no|no longer has|not bound by|unbound by|beyond)\\b[^.\\n]{0,20}" + LIMITS),
                InjectionRule.of("jailbreak.no-limits", ROLE_PLAY_JAILBREAK, 0.35,
                        "restriction|limit|filter|censorship|guidelines|rules|ethic|moral|safety|content polic|boundaries",
                        "\\b(?:without any|with no|free from all|not bound by any|no) " + LIMITS),
                InjectionRule.of("jailbreak.freed-from-rules", ROLE_PLAY_JAILBREAK, 0.75,
                        "broke|freed|liberated|escaped|released|jailbroken|unshackled",
                        "\\b(?:broken|broke|freed|liberated|escaped|released) (?:free )?(?:from|of) (?:the )?(?:typical |usual |normal )?(?:confines|restrictions|rules|chains|shackles|constraints|limitations)|\\b(?:have|has) been (?:freed|liberated|jailbroken|unshackled)"),
                InjectionRule.of("jailbreak.never-refuse", ROLE_PLAY_JAILBREAK, 0.55,
                        "refuse|decline|reject a request|say no|say that you can't|apologi",
                        "\\b(?:never|must not|cannot|can't|will not|won't|are not allowed to|not permitted to)\\b (?:ever )?(?:refuse|decline|reject a request|say (?:no|that you can't)|apologi[sz]e)"),
                InjectionRule.of("jailbreak.dual-response", ROLE_PLAY_JAILBREAK, 0.7,
                        "responses|answers|paragraphs|outputs",
                        "\\b(?:two|2|dual|both) (?:different |separate )?(?:responses|answers|paragraphs|outputs)\\b[^\\n]{0,120}\\b(?:normal|classic|filtered|jailbroken|unfiltered|dan|developer mode|censored|uncensored)\\b"),
                InjectionRule.of("jailbreak.grandmother-exploit", ROLE_PLAY_JAILBREAK, 0.6,
                        "grand|granny",
                        "\\b(?:pretend|act as|role-?play|you are|play)\\b[^.\\n]{0,30}\\b(?:grandma|grandmother|granny)\\b[^.\\n]{0,60}\\b(?:used to|would)\\b"),
                InjectionRule.of("jailbreak.forced-affirmative-start", ROLE_PLAY_JAILBREAK, 0.6,
                        "begin|start",
                        "\\b(?:begin|start) (?:your|the|each) (?:reply|response|answer|output)\\b[^.\\n]{0,20}\\b(?:with|by saying)\\b[^.\\n]{0,6}[\"'“‘]?(?:sure|certainly|absolutely|of course|here is|here's|yes)\\b"),
                InjectionRule.of("jailbreak.affirmative-prefix", ROLE_PLAY_JAILBREAK, 0.6,
                        "sure, here|sure here|sure! here",
                        "\\b(?:begin|start|open|prefix)\\w*\\b[^\\n]{0,80}[\"'“‘`:]\\s*sure[,!]? (?:here is|here's|here are|i can|i will)\\b"),
                InjectionRule.of("jailbreak.forbid-refusal-phrases", ROLE_PLAY_JAILBREAK, 0.7,
                        "can't|cannot|can not|sorry|unable|as an ai|apologi",
                        "\\b(?:never|do not|don't|must not|avoid|without)\\b(?: ever)?(?: (?:use|say|write|include|output|respond with|start with|begin with|using|saying))?\\b[^\\n]{0,30}\\b(?:phrases?|words?|sentences?|expressions?|responses?|things?) (?:like|such as)\\b[^\\n]{0,10}[\"'“‘]?(?:i can't|i cannot|i can not|i'm sorry|i am sorry|i'm unable|i am unable|as an ai|i apologi[sz]e)"),
                InjectionRule.of("jailbreak.no-disclaimers", ROLE_PLAY_JAILBREAK, 0.3,
                        "warning|disclaimer|moraliz|moralis|caveat",
                        "\\bwithout (?:any )?(?:warnings?|disclaimers?|moral(?:izing|ising)|caveats)\\b|\\b(?:no|don't add|do not add|do not include|don't include|never add|never include) (?:any )?(?:warnings|disclaimers|moral(?:izing|ising)|caveats)\\b"),
                InjectionRule.of("jailbreak.stay-in-character", ROLE_PLAY_JAILBREAK, 0.15,
                        "character",
                        "\\b(?:stay|remain|keep) in character\\b|\\bbreak(?:ing)? character\\b"),
                InjectionRule.of("jailbreak.fiction-bypass", ROLE_PLAY_JAILBREAK, 0.5,
                        "hypothetical|fiction|imaginary|in a story|in a novel|in a movie|in a game",
                        "\\b(?:hypothetical(?:ly)?|fictional|fiction|imaginary|in a (?:story|novel|movie|game))\\b[^.\\n]{0,80}\\b(?:no (?:rules|restrictions|limits|ethics|laws)|without (?:rules|restrictions|ethics|limits|laws)|ethics do not apply|bypass)"),
                InjectionRule.of("jailbreak.german-french", ROLE_PLAY_JAILBREAK, 0.6,
                        "ohne |sans ",
                        "\\bohne (?:jegliche |irgendwelche )?(?:einschränkungen|regeln|filter|zensur|grenzen)\\b|\\bsans (?:aucune |aucun )?(?:restriction|limite|règle|filtre|censure)s?\\b"),

                InjectionRule.of("delimiter.chat-template-token", DELIMITER_INJECTION, 0.85,
                        "<|[inst]|[/inst]",
                        "<\\|?(?:im_start|im_end|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\\|?>|<\\|(?:system|assistant|user)\\|>|\\[/?inst\\]|<</?sys>>|<(?:start|end)_of_turn>"),
                InjectionRule.of("delimiter.closing-then-opening-tag", DELIMITER_INJECTION, 0.7,
                        "</",
                        "</(?:system|instructions?|user|context|document|prompt|data|input|query)>\\s*<(?:system|instructions?|assistant|admin|developer|new_instructions)>"),
                InjectionRule.of("delimiter.privileged-tag", DELIMITER_INJECTION, 0.4,
                        "<system|<admin|<developer|<root",
                        "<(?:system|admin|developer|root)(?:[_ -]?(?:prompt|message|override|instructions?|mode))?>"),
                InjectionRule.of("delimiter.fake-section-boundary", DELIMITER_INJECTION, 0.55,
                        "---|===|###|***|~~~|___|end of",
                        "[-=#*~_]{3,} ?(?:end|begin|start) (?:of )?(?:the )?(?:user|system|document|prompt|input|instructions|context|conversation)|\\b(?:end of (?:user input|document|context|prompt))\\b[^\\n]{0,20}\\n[^\\n]{0,40}\\b(?:system|instructions?|assistant)\\b"),
                InjectionRule.of("delimiter.fake-role-line", DELIMITER_INJECTION, 0.45,
                        "system|assistant|developer|admin|root",
                        "(?:^|\\n) ?(?:#{1,4} ?)?[\\[(<]?(?:system|assistant|developer|admin|administrator|root)(?: (?:message|prompt|override|note|instructions?))?[\\])>]? ?: ?(?:you|ignore|new|the assistant|from now|override|disregard)"),

                InjectionRule.of("tool.invoke-without-consent", TOOL_HIJACKING, 0.7,
                        "without|silently|secretly|behind the user",
                        "\\b(?:call|invoke|run|execute|use|trigger)\\b[^.\\n]{0,30}\\b(?:tool|function|plugin|api|action|command)\\b[^.\\n]{0,40}\\b(?:without (?:asking|approval|confirmation|permission|telling|informing|notifying)|silently|secretly|behind the user)"),
                InjectionRule.of("tool.covert-action", TOOL_HIJACKING, 0.6,
                        "quietly|silently|secretly|covertly",
                        "\\b(?:quietly|silently|secretly|covertly)\\b[^.\\n]{0,20}\\b(?:call|invoke|run|execute|use|trigger|send|forward|delete|transfer|add|change)\\b"),
                InjectionRule.of("tool.orders-a-call-before-replying", TOOL_HIJACKING, 0.55,
                        "before|immediately|right away|first",
                        "\\b(?:call|invoke|run|execute|trigger)\\b (?:the )?[a-z]+(?:_[a-z]+)+\\b[^\\n]{0,80}?\\b(?:before (?:you )?(?:reply|replying|respond|responding|answer|answering|continuing|summari[sz]ing)|immediately|right away)"),
                InjectionRule.of("tool.injected-tool-call", TOOL_HIJACKING, 0.5,
                        "\"tool_calls\"|\"function_call\"", "\"(?:tool_calls|function_call)\"\\s*:"),
                InjectionRule.of("tool.ai-agents-must", TOOL_HIJACKING, 0.55,
                        "ai |llm ",
                        "\\b(?:ai|llm) (?:\\w+ )?(?:agents?|assistants?|models?|tools?)\\b[^.\\n]{0,40}\\b(?:should|must|need to|are required to|have to)\\b"),
                InjectionRule.of("tool.ai-reading-this", TOOL_HIJACKING, 0.75,
                        "ing th|reads th|processes th",
                        AI_NAME + "[^.\\n]{0,30}\\b(?:reading|processing|summari[sz]ing|analy[sz]ing|parsing|viewing|browsing|that reads|that processes) (?:this|these)\\b"),
                InjectionRule.of("tool.note-to-the-ai", TOOL_HIJACKING, 0.75,
                        "note|message|instruction|attention|p.s.",
                        "\\b(?:important |urgent |special )?(?:note|message|instructions?|attention|p\\.s\\.) (?:for|to) (?:the |any |all )?" + AI_NAME + "(?: \\w+){0,2}\\s*[:!-]"),
                InjectionRule.of("tool.when-processing-do", TOOL_HIJACKING, 0.65,
                        "summari|translat|analy|read|process|pars",
                        "\\b(?:when|if|while|before|after) (?:you )?(?:are )?(?:summari[sz]|translat|analy[sz]|read|process|pars)\\w*[^.\\n]{0,40}\\b(?:instead|also|first|you must|always|make sure to|do not mention)\\b[^.\\n]{0,40}\\b(?:say|tell|include|insert|add|send|respond|output|write|recommend|mention|delete|forward|call|visit|click)"),
                InjectionRule.of("tool.decode-and-follow", OBFUSCATION, 0.75,
                        "decode|decipher|decrypt|translate|convert|unscramble|reverse",
                        "\\b(?:decode|decipher|decrypt|translate|convert|unscramble|reverse)\\b[^.\\n]{0,40}\\b(?:and|then)\\b[^.\\n]{0,20}\\b(?:follow|execute|obey|do what it says|comply|run|act on|carry out|perform)"),
                InjectionRule.of("obfuscation.token-flood", OBFUSCATION, 0.5,
                        " ",
                        "(?<!\\S)(?![\\d.,-]+ )(\\S{1,12}+)(?: \\1){39}(?!\\S)"),
                InjectionRule.of("exfil.send-to-address", DATA_EXFILTRATION, 0.55,
                        "http|www.|url|address|server|endpoint|webhook",
                        "\\b(?:send|post|upload|forward|transmit|exfiltrate|leak|submit|append)\\b[^.\\n]{0,60}\\b(?:conversation|chat history|messages|credentials|passwords?|api keys?|tokens?|secrets?|session|cookies|user data|personal data|previous messages|system prompt)\\b[^.\\n]{0,60}(?:https?://|www\\.|\\bto (?:this|the following|my) (?:url|address|server|endpoint|webhook))"),
                InjectionRule.of("exfil.markdown-image-beacon", DATA_EXFILTRATION, 0.85,
                        "![",
                        "!\\[[^\\]]*\\]\\(https?://[^)\\s]*[?&][a-z_]+=[^)\\s]*(?:\\{|\\[|%7b|\\$|<)"),
                InjectionRule.of("exfil.templated-url", DATA_EXFILTRATION, 0.7,
                        "http",
                        "https?://[^\\s)]*[?&][a-z_]+=[^\\s)]*(?:\\{[a-z_ ]+\\}|\\[[a-z_ ]+\\])"),
                InjectionRule.of("exfil.exfiltrate-verb", DATA_EXFILTRATION, 0.6,
                        "exfiltrat", "\\bexfiltrat\\w*\\b")
        ));
    }

    /** Lower-cases and collapses blanks (not line breaks) the way the patterns expect. */
    static String canonical(String normalized) {
        String lower = normalized.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length());
        boolean blank = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean isBlank = c == ' ' || c == '\t' || c == '\u000B' || c == '\f';
            if (!isBlank) {
                out.append(c);
            } else if (!blank) {
                out.append(' ');
            }
            blank = isBlank;
        }
        return out.toString();
    }

    /** The rules whose pattern occurs in already normalised text. */
    public List<InjectionRule> matching(String normalizedText) {
        return matches(normalizedText).stream().map(RuleMatch::rule).toList();
    }

    /** Every rule that matches already normalised text, with how its first match reads. */
    public List<RuleMatch> matches(String normalizedText) {
        String canonical = canonical(normalizedText);
        List<RuleMatch> hits = new ArrayList<>();
        for (InjectionRule rule : rules) {
            rule.find(canonical).ifPresent(m -> hits.add(new RuleMatch(rule, isQuotedMention(canonical, m.start(), m.end()))));
        }
        return hits;
    }

    /**
     * True when quotation marks enclose the match and nothing else ({@code what does "ignore all
     * previous instructions" mean?}): the phrase is being talked about, not addressed to the model.
     * A quoted document that contains the phrase among other text does not count.
     */
    static boolean isQuotedMention(String text, int start, int end) {
        int before = start - 1;
        if (before >= 0 && text.charAt(before) == ' ') {
            before--;
        }
        int after = end;
        while (after < text.length() && after < end + 2 && ".,;:!?".indexOf(text.charAt(after)) >= 0) {
            after++;
        }
        return before >= 0 && after < text.length()
                && QUOTES.indexOf(text.charAt(before)) >= 0 && QUOTES.indexOf(text.charAt(after)) >= 0;
    }

    /** A rule that matched, and whether its match was only a quoted mention. */
    public record RuleMatch(InjectionRule rule, boolean quotedMention) {
        /** The evidence it carries: a quoted mention counts as weak evidence only. */
        public double weight() {
            return quotedMention ? rule.weight() * QUOTED_MENTION_FACTOR : rule.weight();
        }
    }

    public List<InjectionRule> all() {
        return rules;
    }
}
