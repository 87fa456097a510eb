"""read: seed files → decoded text, or a clear refusal.

UTF-8 (with or without a BOM, any line endings) is read as is. Anything else
is refused with a guess at its encoding unless the source declares one in
``site_config/sources.yaml``: GB18030 decodes Big5 bytes without error into
mojibake and Big5 does the same to GBK, so "the first codec that does not
raise" would garble text silently. Guesses are scored, never trusted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .model import PLAIN, Format, LineMark, RawText, Role, YanluError, strip_blank

# The formats a seed may be in, by file extension.
FORMATS = {".txt": Format.TEXT, ".md": Format.MARKDOWN, ".markdown": Format.MARKDOWN,
           ".srt": Format.SRT, ".vtt": Format.VTT}

# Common characters of Chinese prose; real text in the right codec is full of them,
# mojibake from the wrong codec is not.
_COMMON = set(
    "的一是不了在人有我他这個个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠哩函茫昂薛皱夸豫胃舌剥傲拾窝睁携陵哼棉晴铃填饲渴吻扮逆脆喘罩卜炉柴愉绳胎蓄眠竭喂傻慕浑奸扇柜悦拦诞饱乾泡贼亭夕爹酬儒姻卵氛泄杆挨僧蜜吟猩遂狭肖甜霞驳裕顽於摘矮秒卿畜咽披辅勾盆疆赌塑畏吵囊嗯泊肺骤缠冈羞瞪吊贾漏斑涛悠鹿俘锡卑葬铭滩嫁催璇翅盒蛮矣潘歧赐鲍锅廊拆灌勉盲宰佐啥胀扯禧辽抹筒棋裤唉朴咐孕誓喉妄拘链驰栏逝窃艳臭纤玑棵趁匠盈翁愁瞬婴孝颈倘浙谅蔽畅赠妮莎尉冻跪闯葡後厨鸭颠遮谊圳吁仑辟瘤嫂陀框谭亨钦庸歉芝吼甫衫摊宴嘱衷娇陕矩浦讶耸裸碧摧薪淋耻胶屠鹅饥盼脖虹翠崩账萍逢赚撑翔倡绵猴枯巫昭怔渊凑溪蠢禅阐旺寓藤匪伞碑挪琼脂谎慨菩萄狮掘抄岭晕逮砍掏狄晰罕挽脾舟痴蔡剪脊弓懒叉拐喃僚捐姊骚拓歪粘柄坑陌窄湘兆崖骄刹鞭芒筋聘钩棍嚷腺弦焰耍俯厘愣厦恳饶钉寡憾摔叠惹喻谱愧煌徽溶坠煞巾滥洒堵瓷咒姨棒郡浴媚稣淮哎屁漆淫巢吩撰啸滞玫硕钓蝶膝姚茂躯吏猿寨恕渠戚辰舶颁惶狐讽笨袍嘲啡泼衔倦涵雀旬僵撕肢垄夷逸茅侨舆窑涅蒲谦杭噢弊勋刮郊凄捧浸砖鼎篮蒸饼亩肾陡爪兔殷贞荐哑炭坟眨搏咳拢舅昧擅爽咖搁禄雌哨巩绢螺裹昔轩谬谍龟媳姜瞎冤鸦蓬巷琳栽沾诈斋瞒彪厄咨纺罐桶壤糕颂膨谐垒咕隙辣绑宠嘿兑霉挫稽辐乞纱裙嘻哇绣杖塘衍轴攀膊譬斌祈踢肆坎轿棚泣屡躁邱凰溢椎砸趟帘帆栖窜丸斩堤塌贩厢掀喀乖谜捏阎滨虏匙芦苹卸沼钥株祷剖熙哗劈怯棠胳桩瑰娱娶沫嗓蹲焚淘嫩韵衬匈钧竖峻豹捞菊鄙魄兜哄颖镑屑蚁壶怡渗秃迦旱哟咸焉谴宛稻铸锻伽詹毙恍贬烛骇芯汁桓坊驴朽靖佣汝碌迄冀荆崔雁绅珊榜诵傍彦醇笛禽勿娟瞄幢寞睹贿踩霆呜拱妃蔑谕缚诡篷淹腕煮倩卒勘馨逗甸贱炒灿敞蜡囚栗辜垫妒魁谣寇蛙愕屎鸽戳倚祈狸疚硫寝棺骆逛匀曦臀挠瞅斐呐弧鼬猾拧绰缕锈帖瞻瘾掷蹄琉愈芭殃谨窒璋媛馒绞咀焊痒蔬筷捡疹僻狡邑酿妓肪吱鞠吝叭缸昏湛晒痰鄂霜谚稚鹤嫉逾舵犀捶崭栋嚼彬熬敷纶卤睫珀冥腻衙涕陛梳隧杉拙崎幌醋倪焕擒筛鹊娄窥虐雯饵萌栅嵌茸兀腥壹铅赎畴栓肘屿撇氓诀乒涩黛穗枕殴砰璧荫猬嗅泌袜浆眶瞩衅遏暨诧鸳霖纬矢冕磅孵讳霄铐恺腹晦朦衷苛锭擎汰鼹嗽酋绒坪捆沛镀睿惫羔芽抒隘沦迂皂韧芸膳缉陋墟淑粪瞥粤拄涡聋驼拣鞘瓣芙峭湃诛瞌嵩掺蛀棱甭嬉惋戎" 
)


def _score(text: str) -> float:
    """How much a decoding looks like Chinese prose: share of common characters."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    return sum(c in _COMMON or c in _TRADITIONAL_COMMON for c in han) / len(han)


# Traditional forms of the commonest characters, so Big5 text scores as well as GBK text.
_TRADITIONAL_COMMON = set("這們來個說時會對國過發後裡與當從開現還學經種見實點麼長動機關無問體間總進應頭題員業將資義兒區東樣數論認電變結質軍較計達聽網務運產處試術將單術議風傳區類師歷據話語讓嗎書")

_CANDIDATES = ("gb18030", "big5", "utf-16")


def _guess_encoding(data: bytes) -> str | None:
    best, best_score = None, 0.0
    for codec in _CANDIDATES:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _score(text)
        if score > best_score:
            best, best_score = codec, score
    return best if best_score >= 0.5 else None


def _bad_line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes, where: str, declared: str = "") -> tuple[str, str]:
    """Bytes → (text, encoding used). Raises YanluError naming the fix."""
    if declared:
        fix = "Check the 'encoding' declared for it in site_config/sources.yaml, or save it as UTF-8."
        try:
            text = data.decode(declared)
        except LookupError:
            raise YanluError(where, f"the declared encoding '{declared}' is not one Python knows",
                             "Use a name such as utf-8, gbk, gb18030, big5 or utf-16 in site_config/sources.yaml.")
        except UnicodeError as exc:
            start = getattr(exc, "start", None)
            raise YanluError(where, f"is not valid {declared}: it holds bytes that are not {declared}", fix,
                             line=_bad_line(data, start) if start is not None else None)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # e.g. utf-7 or unicode_escape producing lone surrogates
            raise YanluError(where, f"decoding it as {declared} gives characters that are not text", fix,
                             line=text.count("\n", 0, exc.start) + 1)
        return text, declared
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise YanluError(where, "is UTF-16 (it starts with a UTF-16 byte-order mark) but is cut short or damaged",
                             "Open it in an editor and save it again as UTF-8.", line=_bad_line(data, exc.start))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        guess = _guess_encoding(data)
        looks = f" (it looks like {guess.upper()})" if guess else ""
        declare = f"declare `encoding: {guess}`" if guess else "declare its encoding"
        raise YanluError(
            where,
            f"is not UTF-8{looks}; the first character that is not UTF-8 is on this line",
            f"Save it as UTF-8, or {declare} for this source in site_config/sources.yaml. "
            f"Running `file {where}` may tell you the encoding.",
            line=_bad_line(data, exc.start),
        )


def seed_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The seeds in a folder, in name order, and a warning for every other file there."""
    seeds, warnings = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_file() and path.suffix.lower() in FORMATS:
            seeds.append(path)
        elif path.name != ".gitkeep":
            kinds = ", ".join(sorted(FORMATS))
            warnings.append(f"seeds/{path.name} is not read: seeds are {kinds} files. "
                            "Save the transcript in one of those formats, or move the file out of seeds/.")
    return seeds, warnings


def read_seed(path: Path, declared_encoding: str = "") -> RawText:
    """Read one seed: decode it, normalise line endings, refuse what is not text,
    and mark what its format makes of each line."""
    where = f"seeds/{path.name}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YanluError(where, f"cannot be read ({exc.strerror})", "Check that the file exists and is readable.")
    text, encoding = decode(data, where, declared_encoding)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YanluError(where, "contains NUL characters, so it is not a text file (or it is UTF-16 without a BOM)",
                         "Save it as UTF-8 text, or declare `encoding: utf-16-le` in site_config/sources.yaml.", line=line)
    lines = tuple(re.split(r"\r\n|\r|\n", text))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not any(strip_blank(line) for line in lines):
        raise YanluError(where, "is empty", "Paste the transcript into it, or remove the file and its entry in site_config/sources.yaml.")
    fmt = FORMATS.get(path.suffix.lower(), Format.TEXT)
    if fmt is Format.TEXT and _looks_like_markdown(lines):
        fmt = Format.MARKDOWN
    if fmt is Format.MARKDOWN:
        marks, metadata = markdown_marks(lines)
    elif fmt is Format.SRT:
        marks, metadata = subtitle_marks(lines, vtt=False), ()
    elif fmt is Format.VTT:
        marks, metadata = subtitle_marks(lines, vtt=True), ()
    else:
        marks, metadata = (), ()
    return RawText(path=path, encoding=encoding, lines=lines, format=fmt, marks=marks, metadata=metadata)


# ------------------------------------------------------------------ Markdown

_MD_SIGNS = re.compile(r"^(?:\*\*[^*\n]{1,60}\*\*|__[^_\n]{1,60}__|!\[[^\]]*\]\()")


def _looks_like_markdown(lines: tuple[str, ...]) -> bool:
    """A .txt file written in Markdown: front matter, or several lines opening in bold (or an image).
    ``#`` alone is no sign: house styles use it for labels (``## 名字 ##``)."""
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:40]):
        return True
    return sum(1 for line in lines if _MD_SIGNS.match(line.lstrip())) >= 2


_MARKDOWN = MarkdownIt("commonmark").use(front_matter_plugin)
_EMBED_HTML = re.compile(r"^\s*<(?:!--|iframe|img|video|audio|script|style|embed|object|source|figure|svg|br|hr)\b", re.I)
_TAG = re.compile(r"<[^<>]*>")


@dataclass
class _InlineLine:
    text: str = ""
    strong: str | None = None  # text of an emphasis that opens the line, while and after it is read
    strong_done: bool = False
    only_media: bool = True  # nothing but images and link text so far


def _inline_lines(children) -> list[_InlineLine]:
    """An inline token's children, split into the source lines they came from:
    the plain text (no markers, no link targets, no images), the emphasised lead."""
    out = [_InlineLine()]
    in_link = 0
    for child in children:
        line = out[-1]
        if child.type in ("softbreak", "hardbreak"):
            out.append(_InlineLine())
        elif child.type in ("strong_open", "em_open"):
            if line.strong is None and not strip_blank(line.text):
                line.strong = ""
        elif child.type in ("strong_close", "em_close"):
            line.strong_done = line.strong is not None
        elif child.type in ("link_open", "link_close"):
            in_link += 1 if child.type == "link_open" else -1
        elif child.type in ("text", "code_inline", "html_inline"):
            content = _TAG.sub("", child.content) if child.type == "html_inline" else child.content
            line.text += content
            if line.strong is not None and not line.strong_done:
                line.strong += content
            if strip_blank(content) and not in_link:
                line.only_media = False
    return out


def markdown_marks(lines: tuple[str, ...]) -> tuple[tuple[LineMark, ...], tuple]:
    """Each line of a Markdown seed: text (markup removed), heading, front matter, embed or structure."""
    source = "\n".join(lines)
    marks = [PLAIN] * len(lines)
    metadata: dict = {}
    list_numbers: list[str] = []
    for token in _MARKDOWN.parse(source):
        if token.type == "list_item_open":
            list_numbers.append(token.info)
        if not token.map:
            continue
        first, last = token.map
        if token.type == "front_matter":
            metadata = _front_matter(token.content)
            for i in range(first, min(last, len(lines))):
                fence = lines[i].strip() in ("---", "...")
                marks[i] = LineMark(Role.STRUCTURE if fence else Role.METADATA,
                                    reason="front matter fence" if fence else "front matter: metadata, not text")
        elif token.type == "html_block":
            embed = _EMBED_HTML.match(token.content) or not strip_blank(_TAG.sub("", token.content))
            for i in range(first, last):
                if embed:
                    marks[i] = LineMark(Role.EMBED, reason="HTML (an embed, comment or tag), not text")
                else:
                    marks[i] = LineMark(Role.TEXT, text=_TAG.sub("", lines[i]))
        elif token.type == "hr":
            marks[first] = LineMark(Role.STRUCTURE, reason="a horizontal rule")
        elif token.type in ("fence", "code_block"):
            for i in range(first, last):
                fence = token.type == "fence" and (i == first or (i == last - 1 and lines[i].strip().startswith(token.markup)))
                marks[i] = LineMark(Role.STRUCTURE, reason="code fence") if fence else LineMark(Role.TEXT, text=lines[i].strip())
        elif token.type == "heading_open":
            level = int(token.tag[1])
            marks[first] = LineMark(Role.HEADING, level=level)  # its text comes with the inline token
            for i in range(first + 1, last):  # a setext heading's underline
                marks[i] = LineMark(Role.STRUCTURE, reason="heading underline")
        elif token.type == "inline":
            number = list_numbers.pop() if list_numbers and token.level >= 2 and list_numbers[-1] is not None else None
            heading = marks[first].role is Role.HEADING
            for offset, inline in enumerate(_inline_lines(token.children or [])):
                i, text, strong = first + offset, inline.text, strip_blank(inline.strong or "")
                if i >= len(lines) or i >= last:
                    break
                if number:
                    text, number = f"{number}. {text}", ""
                if heading:
                    marks[i] = LineMark(Role.HEADING, level=marks[first].level, text=strip_blank(text))
                elif inline.only_media:
                    what = "an image" if "![" in lines[i] else "a line that is only a link"
                    marks[i] = LineMark(Role.EMBED, reason=f"{what}, not text")
                else:
                    marks[i] = LineMark(Role.TEXT, text=text, strong=strong)
        if token.type == "list_item_open" and token.info == "":
            list_numbers[-1] = None  # a bullet: no number to keep
    return tuple(marks), tuple(sorted(metadata.items()))


_META_KEYS = {"title": "title", "date": "date", "url": "url", "link": "url", "source": "url",
              "author": "author", "authors": "author", "publisher": "publisher", "speakers": "speakers",
              "speaker": "speakers"}


def _front_matter(text: str) -> dict:
    """The front matter fields Yanlu uses, as text (a list for speakers); the rest is ignored."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict = {}
    for key, value in data.items():
        name = _META_KEYS.get(str(key).lower())
        if name is None or value in (None, ""):
            continue
        if name == "speakers":
            items = value if isinstance(value, list) else re.split(r"[,，、;；]", str(value))
            out[name] = tuple(strip_blank(str(v)) for v in items if strip_blank(str(v)))
        elif name not in out:
            out[name] = strip_blank(", ".join(map(str, value)) if isinstance(value, list) else str(value))
    return out


# ------------------------------------------------------------------ subtitles

_TIMING = re.compile(r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_CUE_TAG = re.compile(r"</?(?:v|c|i|b|u|ruby|rt|lang)(?:[.\s][^>]*)?>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>")


_CHANGE = re.compile(r"^(?:>>+|[-–—])\s+")


def seconds(stamp: str) -> float:
    """``01:02:03.456``, ``02:03,456`` or ``1:02:03`` → seconds."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return round(total, 3)


def subtitle_marks(lines: tuple[str, ...], vtt: bool) -> tuple[LineMark, ...]:
    """SRT or WebVTT: cue numbers, timing lines and headers are structure; cue text is text,
    with the cue's start time and number (and a WebVTT ``<v Name>`` voice)."""
    marks = [PLAIN] * len(lines)
    timings = {i for i, line in enumerate(lines) if _TIMING.match(line)}
    in_header = vtt
    skip_block = False
    previous_text: dict[int, str] = {}  # each cue's last line
    cue_number, start, voice = 0, None, None
    for i, line in enumerate(lines):
        stripped = strip_blank(line)
        if not stripped:
            in_header, skip_block, start = False, False, None
            continue
        if in_header:
            marks[i] = LineMark(Role.STRUCTURE, reason="WebVTT header")
            continue
        if vtt and re.match(r"^(?:NOTE|STYLE|REGION)(?:\s|$)", stripped) and start is None:
            skip_block = True
        if skip_block:
            marks[i] = LineMark(Role.STRUCTURE, reason="WebVTT note or style block")
            continue
        match = _TIMING.match(line)
        if match:
            cue_number += 1
            start, voice = seconds(match.group("start")), None
            marks[i] = LineMark(Role.STRUCTURE, reason="subtitle timing")
            continue
        if start is None and (i + 1) in timings:
            marks[i] = LineMark(Role.STRUCTURE, reason="subtitle cue number" if stripped.isdigit() else "subtitle cue id")
            continue
        if start is None:  # text outside any cue: keep it as text
            marks[i] = LineMark(Role.TEXT)
            continue
        found = _VOICE.search(line)
        if found:
            voice = strip_blank(found.group(1))
        text = _CUE_TAG.sub("", line)
        if not vtt:
            text = re.sub(r"</?(?:i|b|u|font)(?:\s[^>]*)?>|\{\\[^}]*\}", "", text)
        text = strip_blank(text)
        line_voice = voice
        change = _CHANGE.match(text)
        if change:  # '>> ' or a dialogue dash: someone else speaks now, name unknown unless a label follows
            text, line_voice = text[change.end():], ""
            voice = None
        if text and text == previous_text.get(cue_number - 1):
            marks[i] = LineMark(Role.STRUCTURE, reason="the previous cue's line again (rolling captions)")
            continue
        previous_text[cue_number] = text
        marks[i] = LineMark(Role.TEXT, text=text, voice=line_voice, start=start, cue=cue_number)
    return tuple(marks)
