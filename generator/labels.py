"""What a speaker label looks like: names, roles and titles, in Chinese and English.

Used where a line's first words might name who speaks: the parser (``名字：`` turns,
a label used only once), cleaning (``Jane Doe 00:12:34`` headers) and linking
(``Q:``/``主持人:`` stand for whoever holds that role at the event).
"""

from __future__ import annotations

import re

ASKING_ROLES = ("moderator", "host", "questioner")
ANSWERING_ROLES = ("guest", "panelist")

# Labels that name a role rather than a person: 主持人:/嘉宾:, Q:/A:, 问:/答:, Host:, Audience:.
# They stand for whoever holds that role at the event; if several do, the label is ambiguous.
ROLE_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(["q", "问", "問", "主持人", "主持", "主持人问", "主持人問", "记者", "記者", "提问", "提問",
                     "host", "moderator", "interviewer", "采访者", "採訪者", "主席", "chair", "chairman",
                     "chairwoman", "the chairman", "the chair"], ASKING_ROLES[:2]),
    **dict.fromkeys(["audience", "audience member", "观众", "觀眾", "听众", "聽眾", "提问者", "提問者",
                     "question", "网友", "網友"], ASKING_ROLES[2:]),
    **dict.fromkeys(["a", "答", "嘉宾", "嘉賓", "guest", "受访者", "受訪者", "访谈嘉宾", "訪談嘉賓", "answer",
                     "interviewee"], ANSWERING_ROLES),
}

_ROLE_PREFIXES = ("主持人", "主持", "记者", "記者", "嘉宾", "嘉賓", "观众", "觀眾")

# The commonest Chinese surnames in both scripts: a short Han label that starts with one is a name.
SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田"
    "董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付傅方白邹鄒孟熊秦邱江"
    "尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍"
    "庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂"
    "成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車"
    "项項连連芦蘆麦麥褚娄婁窦竇戚岑景党宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師仇栾欒"
    "隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺官封谈談匡鞠惠荆荊乐樂冀郁胥南班储儲原栗燕楚鄢"
    "劳勞谌諶奚皮粟冼蔺藺楼樓盘盤满滿闻聞位厉厲伊仝郜花权權帅帥屠朴盖蓋练練廉禹井祖漆巴丰支卿狄计計索宣晋"
    "晉相初门門容敬来來扈晁芮都浦戈伏鹿薄邸雍辜羊乌烏母裘亓修邰赫杭况況宿鲜鮮印逯隆茹诸諸战戰慕危亢嵇湛宾賓"
    "戎勾茅呼居揭尉冶束檀衣展昝幸衡尧堯"
)
COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "尉迟", "尉遲",
                     "公孙", "公孫", "令狐", "慕容", "长孙", "長孫", "宇文", "司徒", "夏侯", "端木", "独孤", "獨孤")
# Titles that make a label a person (李議員, 王总, 陈主任) or stand alone for one (主席).
TITLES = ("先生", "女士", "小姐", "议员", "議員", "教授", "博士", "老师", "老師", "总", "總", "董", "局长", "局長",
          "部长", "部長", "主席", "主任", "院长", "院長", "校长", "校長", "书记", "書記", "市长", "市長", "司长", "司長",
          "署长", "署長", "经理", "經理", "同学", "同學", "医生", "醫生", "律师", "律師", "法官", "委员", "委員", "总理",
          "總理", "总统", "總統", "大使", "主持人", "嘉宾", "嘉賓", "观众", "觀眾", "网友", "網友", "创始人", "創始人")
# One-word labels that introduce text, not a speaker: 来源：…, 编者按：…, Note: …
NOT_SPEAKERS = frozenset({
    "注", "注意", "来源", "來源", "编者按", "編者按", "作者", "编辑", "編輯", "责编", "責編", "图", "圖", "图片", "圖片",
    "视频", "視頻", "原文", "链接", "鏈接", "时间", "時間", "地点", "地點", "日期", "摘要", "关键词", "關鍵詞", "标题",
    "標題", "导读", "導讀", "采访", "採訪", "整理", "撰文", "文", "出品", "策划", "策劃", "翻译", "翻譯", "校对", "校對",
    "备注", "備註", "声明", "聲明", "提示", "话题", "話題", "主题", "主題", "观点", "觀點", "结论", "結論", "背景",
    "note", "notes", "source", "sources", "photo", "image", "editor's note", "editor’s note", "update", "translation",
    "transcript", "date", "time", "location", "link", "url", "video", "audio", "summary", "warning", "disclaimer",
    "credit", "credits", "tags", "topic", "topics", "subject", "re", "by", "via", "edited by", "posted", "published",
})
# Words that start headings and captions, not names: 'Part 1:', 'Key Takeaways:', 'Bottom line:'.
COMMON_WORDS = frozenset({
    "key", "takeaways", "takeaway", "summary", "background", "conclusion", "conclusions", "introduction", "overview",
    "highlights", "highlight", "agenda", "context", "editor", "editors", "note", "update", "updates", "transcript",
    "interview", "part", "chapter", "section", "episode", "step", "day", "session", "round", "act", "scene", "slide",
    "figure", "table", "appendix", "bottom", "line", "breaking", "news", "live", "watch", "read", "more", "related",
    "photo", "photos", "video", "image", "credit", "credits", "disclosure", "correction", "clarification", "warning",
    "caution", "tip", "tips", "fact", "facts", "why", "what", "how", "when", "where", "who", "lesson", "lessons",
    "point", "points", "topic", "theme", "item", "example", "question", "questions", "rule", "rules", "goal", "goals",
    "problem", "solution", "result", "results", "price", "cost", "status", "location", "venue", "date", "time",
    # words that open a sentence with a colon: 'Well:', 'Look: …', 'Thanks:'
    "well", "so", "yes", "no", "okay", "ok", "now", "but", "and", "also", "first", "second", "third", "finally",
    "look", "listen", "again", "today", "here", "there", "thanks", "thank", "please", "sure", "right", "actually",
    "basically", "remember", "imagine", "ps", "p.s",
})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "hon", "rep", "sen",
                        "senator", "chairman", "chairwoman", "chair", "president", "justice", "judge", "mayor",
                        "governor", "minister", "speaker", "lord", "lady", "baroness", "baron", "rev", "father",
                        "sister", "the", "madam", "deputy", "secretary", "commissioner", "general", "captain"})
PARTICLES = frozenset({"de", "da", "van", "von", "der", "den", "bin", "al", "la", "le", "du", "del", "di", "dos",
                       "das", "y", "of", "and", "ibn", "ben", "st"})
_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_LATIN_WORD = re.compile(r"^(?:[A-Z][A-Za-z'’\-.]*|[A-Z]\.|\d{1,3}|[a-z]{1,3}|[A-Za-z]+-[A-Z][a-z]+)$")


_NUMBERED_ROLE = re.compile(r"^(?P<role>q|a|问|問|答|提问|提問|回答|question|answer)\s*\d{1,3}$")
_ANONYMOUS = re.compile(r"(?:speaker|participant|unknown speaker|unidentified speaker|发言人|發言人|说话人|說話人|"
                        r"讲者|講者|嘉宾|嘉賓|观众|觀眾)\s*[0-9一二三四五六七八九十a-z]{0,3}")


def role_key(label: str) -> str:
    """The role a label names, as ROLE_LABELS writes it: 'q' for Q, Q1 and Q 2; '主持人' for 主持人张小珺."""
    key = re.sub(r"\s+", " ", label.strip().lower())
    numbered = _NUMBERED_ROLE.match(key)
    if numbered:
        return numbered.group("role")
    if key not in ROLE_LABELS:
        prefix = next((r for r in _ROLE_PREFIXES if key.startswith(r) and len(key) - len(r) in range(2, 5)), None)
        name = key[len(prefix):] if prefix else ""
        if prefix and re.fullmatch(r"[\u3400-\u9fff·]+", name) and (name[0] in SURNAMES or name.startswith(COMPOUND_SURNAMES)):
            return prefix  # 主持人张小珺, 记者李想: the role, then the name
    return key


def is_role(label: str) -> bool:
    key = role_key(label)
    return key in ROLE_LABELS or bool(_ANONYMOUS.fullmatch(key))


def looks_like_name(label: str) -> bool:
    """Whether a label reads as a person or a role: 王五, 歐陽娜娜, 李議員, 主席, 埃隆·马斯克,
    Jane Doe, Alexandria Ocasio-Cortez, MR. SMITH, Speaker 2, Audience. Not 中美差距, 注意, The point is."""
    label = label.strip()
    if not label or role_key(label) in NOT_SPEAKERS:
        return False
    if is_role(label):
        return True
    if _HAN.match(label):
        if label.endswith(TITLES) and len(label) <= 12:  # 李議員, 財經事務及庫務局局長
            return True
        if 2 <= len(label) <= 4 and (label[0] in SURNAMES or label.startswith(COMPOUND_SURNAMES)):
            return True
        return False
    if "·" in label or "•" in label:  # a transliterated foreign name: 埃隆·马斯克
        return len(label) <= 16 and all(_HAN.match(part) for part in re.split("[·•]", label) if part)
    words = label.replace("’", "'").split()
    if not 1 <= len(words) <= 6 or not re.match(r"[A-Za-z]", label):
        return False
    if any(word.lower().strip(".") in COMMON_WORDS for word in words):
        return False
    capitalised = 0
    for word in words:
        bare = word.rstrip(".").lower()
        if bare in HONORIFICS or word[0].isupper():
            capitalised += 1
        elif bare not in PARTICLES and not word.isdigit():
            return False
        if not _LATIN_WORD.match(word) and bare not in HONORIFICS:
            return False
    return capitalised >= 1


def is_latin_text(text: str) -> bool:
    """Text in a Latin script: almost no Han characters among its letters (an English panel)."""
    han = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    return han < 0.05 * max(sum(c.isascii() and c.isalpha() for c in text), 1)


def reads_as_name_once(label: str, rest: str) -> bool:
    """A label seen once names a speaker only on firmer ground than a recurring one: a three-character
    Han name, a title, a Latin name; a two- or four-character Han label (王五, but also 成本, 高度评价)
    only before a finished sentence (王五：我是突然出现的人。)."""
    if not looks_like_name(label):
        return False
    if _HAN.match(label) and len(label) in (2, 4) and not label.endswith(TITLES) and not is_role(label) \
            and not label.startswith(COMPOUND_SURNAMES):
        return bool(re.search(r"[。！？!?…」”]$", rest.strip())) or len(rest) >= 15
    return True
