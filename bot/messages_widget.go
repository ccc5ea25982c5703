package bot

// widgetEN and widgetRU are the catalogues of the web organizer's widget
// in a circle's room.
var widgetEN = map[string]string{
	"widget.added":      "🧩 The web organizer is now a widget of this room: in Element (web or desktop), open the room info and choose **Exodus**. It signs you in by itself after you allow it to confirm your Matrix ID. Element X does not show widgets yet: there, use `%[1]v web`. `%[1]v widget off` removes it.",
	"widget.already":    "🧩 This room already has the web organizer's widget.",
	"widget.removed":    "🧩 The web organizer's widget is removed from this room. `%[1]v widget` adds it again.",
	"widget.none":       "This room has no web organizer widget. `%[1]v widget` adds it.",
	"widget.not_owner":  "Only the owner of this circle (%[1]v) or a co-owner can add or remove its widget.",
	"widget.no_power":   "I cannot add a widget here: my power level in this room is %[1]v, and widgets need %[2]v. A room admin can raise mine (Room settings → Roles & Permissions), or lower the level of “Modify widgets”; then ask again.",
	"widget.not_framed": "The web organizer of this bot may not be shown inside Element yet: its operator lists the Element addresses allowed to show it in `web.frame_origins`. Until then, use `web`.",
	"widget.forbidden":  "The homeserver refused to let me add the widget: my power level in this room is too low. A room admin can raise it (Room settings → Roles & Permissions); then ask again.",
}

var widgetRU = map[string]string{
	"widget.added":      "🧩 Веб-органайзер теперь виджет этой комнаты: в Element (веб или десктоп) откройте сведения о комнате и выберите **Exodus**. Он сам выполнит вход, когда вы разрешите ему подтвердить ваш Matrix ID. Element X пока не показывает виджеты: там используйте `%[1]v веб`. `%[1]v виджет выкл` уберёт его.",
	"widget.already":    "🧩 В этой комнате уже есть виджет веб-органайзера.",
	"widget.removed":    "🧩 Виджет веб-органайзера убран из этой комнаты. `%[1]v виджет` добавит его снова.",
	"widget.none":       "В этой комнате нет виджета веб-органайзера. `%[1]v виджет` добавит его.",
	"widget.not_owner":  "Добавить или убрать виджет круга может только его владелец (%[1]v) или совладелец.",
	"widget.no_power":   "Я не могу добавить виджет: мой уровень прав в этой комнате %[1]v, а для виджетов нужен %[2]v. Администратор комнаты может повысить мой уровень (Настройки комнаты → Роли и права) или понизить уровень «Изменение виджетов»; затем попросите снова.",
	"widget.not_framed": "Веб-органайзер этого бота пока нельзя показывать внутри Element: оператор должен перечислить адреса Element, которым это разрешено, в `web.frame_origins`. До тех пор используйте `веб`.",
	"widget.forbidden":  "Сервер не дал мне добавить виджет: мой уровень прав в этой комнате слишком низок. Администратор комнаты может повысить его (Настройки комнаты → Роли и права); затем попросите снова.",
}
