/*
 * reboot.c - reboot(2): power off, halt or restart the machine (root only, with
 * Linux's magic numbers so a stray call cannot do it by accident).
 */
#include <aegis/arch.h>
#include <aegis/errno.h>
#include <aegis/printk.h>
#include <aegis/proc.h>

#define REBOOT_MAGIC1		0xfee1dead
#define REBOOT_MAGIC2		672274793
#define REBOOT_MAGIC2A		85072278
#define REBOOT_MAGIC2B		369367448
#define REBOOT_MAGIC2C		537993216
#define REBOOT_CMD_RESTART	0x01234567
#define REBOOT_CMD_HALT		0xcdef0123
#define REBOOT_CMD_CAD_ON	0x89abcdef
#define REBOOT_CMD_CAD_OFF	0x00000000
#define REBOOT_CMD_POWER_OFF	0x4321fedc

static bool ctrl_alt_del_enabled = true;

long sys_reboot(int magic1, int magic2, unsigned cmd, void __user *arg)
{
	if ((unsigned)magic1 != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
	     magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
		ctrl_alt_del_enabled = true;
		return 0;
	case REBOOT_CMD_CAD_OFF:
		ctrl_alt_del_enabled = false;
		return 0;
	case REBOOT_CMD_RESTART:
		pr_notice("reboot: restarting system\n");
		arch_reboot();
	case REBOOT_CMD_HALT:
	case REBOOT_CMD_POWER_OFF:
		pr_notice("reboot: power down\n");
		arch_poweroff();
	default:
		return -EINVAL;
	}
}
